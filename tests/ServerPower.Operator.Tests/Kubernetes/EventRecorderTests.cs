using k8s;
using k8s.Models;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Operator.Hosting;
using ServerPower.Operator.Kubernetes;
using ServerPower.Sandbox.Kubernetes;
using ServerPower.TestSupport;

namespace ServerPower.Operator.Tests.Kubernetes;

/// <summary>Events are correlated like Kubernetes' own recorders: repeats count, many messages combine, nothing is dropped.</summary>
public sealed class EventRecorderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A stand-in for the API server that refuses every event write as a terminating namespace does (403), recording
    /// each request; nothing leaves the process.
    /// </summary>
    private sealed class RefusingApi : DelegatingHandler
    {
        public List<(HttpMethod Method, string Path)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests) Requests.Add((request.Method, request.RequestUri!.AbsolutePath));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden)
            {
                RequestMessage = request,
                Content = new StringContent("""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,"message":"namespace games is being terminated"}""",
                    System.Text.Encoding.UTF8, "application/json"),
            });
        }
    }

    private static ServerPowerResource Server(int i) => new()
    {
        ApiVersion = "power.serverops.io/v1alpha1", Kind = "ServerPower",
        Metadata = new V1ObjectMeta { Name = $"s{i}", NamespaceProperty = "games", Uid = $"uid-{i}" },
        Spec = new ServerPowerSpec { ProviderRef = new LocalObjectReference { Name = "p" }, ServerId = "1" },
    };

    [Fact]
    public void A_repeat_counts_on_the_event_already_written()
    {
        var c = new EventCorrelator();
        var first = c.Correlate("u1", false, "StartAccepted", "ok", T0);
        Assert.Equal((1, (string?)null), (first.Count, first.ExistingName));
        c.Recorded(first, "s1.abc");

        var second = c.Correlate("u1", false, "StartAccepted", "ok", T0.AddHours(2));
        Assert.Equal((2, "s1.abc", T0), (second.Count, second.ExistingName, second.First));
        Assert.Equal("ok", second.Message);

        // Another object, type or message is another event.
        Assert.Null(c.Correlate("u2", false, "StartAccepted", "ok", T0).ExistingName);
        Assert.Null(c.Correlate("u1", true, "StartAccepted", "ok", T0).ExistingName);
        Assert.Null(c.Correlate("u1", false, "StartAccepted", "other", T0).ExistingName);
    }

    [Fact]
    public void Many_different_messages_for_one_reason_are_combined_into_one_counted_event()
    {
        var c = new EventCorrelator();
        for (var i = 0; i < EventCorrelator.MaxSimilar; i++)
        {
            var e = c.Correlate("u1", true, "ReadFailed", $"timeout after {i} s", T0.AddSeconds(i));
            Assert.Equal($"timeout after {i} s", e.Message);
            c.Recorded(e, $"s1.{i}");
        }
        var combined = c.Correlate("u1", true, "ReadFailed", "timeout after 99 s", T0.AddMinutes(1));
        Assert.Equal(EventCorrelator.CombinedPrefix + "timeout after 99 s", combined.Message);
        Assert.Null(combined.ExistingName);
        c.Recorded(combined, "s1.combined");

        var again = c.Correlate("u1", true, "ReadFailed", "timeout after 100 s", T0.AddMinutes(2));
        Assert.Equal(("s1.combined", 2), (again.ExistingName, again.Count));

        // After the window a new message is an event of its own again.
        var later = c.Correlate("u1", true, "ReadFailed", "timeout after 101 s", T0.AddMinutes(2) + EventCorrelator.Window);
        Assert.Equal("timeout after 101 s", later.Message);
    }

    [Fact]
    public void Memory_stays_bounded_whatever_the_number_of_objects()
    {
        var c = new EventCorrelator();
        for (var i = 0; i < 3 * EventCorrelator.MaxEntries; i++)
            c.Recorded(c.Correlate($"u{i}", false, "StartAccepted", "ok", T0), $"s{i}.x");
        Assert.Equal(2 * EventCorrelator.MaxEntries, c.Tracked);
        // The most recent are kept: a repeat of the last object still counts.
        Assert.Equal(2, c.Correlate($"u{3 * EventCorrelator.MaxEntries - 1}", false, "StartAccepted", "ok", T0).Count);
    }

    [Fact]
    public async Task An_event_that_cannot_be_written_never_fails_the_caller_and_is_logged_as_a_warning()
    {
        var api = new RefusingApi();
        var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, api);
        var logs = new LogCapture();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var recorder = new KubernetesEventRecorder(client, new FakeTimeProvider(T0), factory.CreateLogger<KubernetesEventRecorder>(), "test");

        await recorder.RecordAsync(Server(1), false, "StartAccepted", "ok", TestContext.Current.CancellationToken);
        await recorder.RecordAsync(Server(1), false, "StartAccepted", "ok", TestContext.Current.CancellationToken);

        // Both were attempted as new Events (the first was never written, so the second is no repeat of it).
        Assert.Equal([(HttpMethod.Post, "/api/v1/namespaces/games/events"), (HttpMethod.Post, "/api/v1/namespaces/games/events")], api.Requests);
        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.StartsWith("could not record event StartAccepted for games/s1: ", w.Message, StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.Null(w.Exception));
    }

    [Fact]
    public async Task On_the_API_a_repeat_is_one_Event_with_a_count_and_an_expired_Event_is_written_anew()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await KubeApiEmulator.StartAsync(cancellationToken: ct);
        await emulator.ApplyYamlAsync("apiVersion: v1\nkind: Namespace\nmetadata: {name: games}\n", cancellationToken: ct);
        var dir = Directory.CreateTempSubdirectory("events-").FullName;
        var client = KubernetesConfig.CreateClient(KubernetesConfig.Load(emulator.WriteKubeconfig(Path.Combine(dir, "kubeconfig"))));
        var time = new FakeTimeProvider(T0);
        var recorder = new KubernetesEventRecorder(client, time, NullLogger<KubernetesEventRecorder>.Instance, "test");

        for (var i = 0; i < 3; i++)
        {
            await recorder.RecordAsync(Server(1), false, "StartAccepted", "Start accepted", ct);
            time.Advance(TimeSpan.FromMinutes(20));
        }
        var only = Assert.Single((await client.CoreV1.ListNamespacedEventAsync("games", cancellationToken: ct)).Items);
        Assert.Equal(3, only.Count);
        Assert.Equal(T0.UtcDateTime, only.FirstTimestamp);
        Assert.Equal(T0.AddMinutes(40).UtcDateTime, only.LastTimestamp);
        Assert.Equal("s1", only.InvolvedObject.Name);

        await client.CoreV1.DeleteNamespacedEventAsync(only.Metadata.Name, "games", cancellationToken: ct);
        await recorder.RecordAsync(Server(1), false, "StartAccepted", "Start accepted", ct);
        var renewed = Assert.Single((await client.CoreV1.ListNamespacedEventAsync("games", cancellationToken: ct)).Items);
        Assert.Equal(1, renewed.Count);
        Assert.NotEqual(only.Metadata.Name, renewed.Metadata.Name);
    }
}
