using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Runtime;
using ServerPower.Sandbox.Command;
using ServerPower.Sandbox.Kubernetes;

namespace ServerPower.Runtime.Tests;

/// <summary>The informer on KubernetesClient against the API emulator, whose watch is cut mid-stream.</summary>
public sealed class InformerOnEmulatorTests
{
    private const string Ns = "fleet";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_watch_aborted_mid_stream_resumes_from_the_last_version_without_a_relist_or_an_enqueue_per_object()
    {
        await using var setup = await StartAsync("a", "b", "c");
        var (emulator, informer) = (setup.Emulator, setup.Informer);
        var enqueued = new ConcurrentQueue<ObjectKey>();
        informer.AddHandler(new EnqueueHandler<ServerPowerResource>(enqueued.Enqueue));
        // The first watch is cut after one event, as a connection reset or a restarting API server would.
        var abort = emulator.Faults.AbortWatch("serverpowers", afterEvents: 1);
        emulator.ResetRequestCounts();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(Eventually.Deadline, Ct);
        await Eventually.Until(() => emulator.CountRequests("serverpowers", "", "watch") == 1, "the first watch");

        await SetStateAsync(emulator, "a", "Stopped");
        await Eventually.Until(() => emulator.CountRequests("serverpowers", "", "watch") == 2, "the watch resumed after the abort");
        await SetStateAsync(emulator, "b", "Stopped");
        await Eventually.Until(() => informer.Store.Get(new ObjectKey(Ns, "b"))?.Spec.State == DesiredPowerState.Stopped, "b's change");

        Assert.Equal(1, abort.Hits);
        Assert.Equal(1, emulator.CountRequests("serverpowers", "", "list"));
        Assert.Equal(["a", "b", "c", "a", "b"], enqueued.Select(k => k.Name));
        Assert.Equal(DesiredPowerState.Stopped, informer.Store.Get(new ObjectKey(Ns, "a"))?.Spec.State);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    /// <summary>
    /// Once the cache has caught up with a write's resourceVersion it holds that write and every one before it (how an
    /// action checks ownership on a cache that has seen its own record); a version it has not reached, a namespace it
    /// does not watch, or a version that is not a number is never taken as caught up.
    /// </summary>
    [Fact]
    public async Task The_cache_catches_up_with_a_write_it_is_told_of_and_never_claims_what_it_has_not_seen()
    {
        await using var setup = await StartAsync("a", "b");
        var (emulator, informer) = (setup.Emulator, setup.Informer);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(Eventually.Deadline, Ct);

        await SetStateAsync(emulator, "a", "Stopped");
        var written = await SetStateAsync(emulator, "b", "Stopped");
        var caughtUp = await informer.CaughtUpAsync(Ns, written, TimeSpan.FromSeconds(30), Ct);

        Assert.True(caughtUp);
        Assert.Equal(DesiredPowerState.Stopped, informer.Store.Get(new ObjectKey(Ns, "a"))?.Spec.State);
        Assert.Equal(DesiredPowerState.Stopped, informer.Store.Get(new ObjectKey(Ns, "b"))?.Spec.State);
        var ahead = (ulong.Parse(written, System.Globalization.CultureInfo.InvariantCulture) + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(await informer.CaughtUpAsync(Ns, ahead, TimeSpan.FromMilliseconds(200), Ct));
        Assert.False(await informer.CaughtUpAsync("elsewhere", written, TimeSpan.FromSeconds(30), Ct));
        Assert.False(await informer.CaughtUpAsync(Ns, "not-a-number", TimeSpan.FromSeconds(30), Ct));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Theory]
    [InlineData("10", "9", true)]
    [InlineData("10", "10", true)]
    [InlineData("9", "10", false)]
    [InlineData("100", "99", true)]
    [InlineData(null, "1", null)]
    [InlineData("1", "x1", null)]
    [InlineData("-1", "1", null)]
    public void ResourceVersions_compare_as_the_numbers_they_are(string? seen, string wanted, bool? atLeast) =>
        Assert.Equal(atLeast, ResourceVersions.AtLeast(seen, wanted));

    /// <summary>The emulator with the CRDs and one ServerPower per name in <see cref="Ns"/>, and an informer of that namespace over KubernetesClient (not running).</summary>
    private sealed record Setup(KubeApiEmulator Emulator, DirectoryInfo Dir, k8s.Kubernetes Client, Informer<ServerPowerResource> Informer) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Emulator.DisposeAsync();
            Dir.Delete(recursive: true);
        }
    }

    private static async Task<Setup> StartAsync(params string[] names)
    {
        var emulator = await KubeApiEmulator.StartAsync(cancellationToken: Ct);
        foreach (var crd in Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "crds"), "*.yaml"))
            await emulator.ApplyYamlAsync(await File.ReadAllTextAsync(crd, Ct), cancellationToken: Ct);
        var servers = string.Concat(names.Select(n => $$"""
            ---
            apiVersion: power.serverops.io/v1alpha1
            kind: ServerPower
            metadata: {name: {{n}}, namespace: {{Ns}}}
            spec: {providerRef: {name: p}, serverId: "{{n}}", state: Running}

            """));
        await emulator.ApplyYamlAsync($"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {Ns}}}\n{servers}", cancellationToken: Ct);
        var dir = Directory.CreateTempSubdirectory("informer-tests-");
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(emulator.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig")));
        var client = new k8s.Kubernetes(config);
        var informer = new Informer<ServerPowerResource>(ApiGroup.ServerPowerKind,
            new CustomObjectListWatcher<ServerPowerResource>(client, ApiGroup.Group, ApiGroup.Version, ApiGroup.ServerPowerPlural),
            new InformerOptions { Namespaces = [Ns] }, NullLogger.Instance);
        return new Setup(emulator, dir, client, informer);
    }

    /// <summary>Patches spec.state; the object's new resourceVersion.</summary>
    private static async Task<string> SetStateAsync(KubeApiEmulator emulator, string name, string state)
    {
        using var http = emulator.CreateHttpClient();
        using var body = new StringContent(new JsonObject { ["spec"] = new JsonObject { ["state"] = state } }.ToJsonString(),
            System.Text.Encoding.UTF8, "application/merge-patch+json");
        using var response = await http.PatchAsync($"/apis/power.serverops.io/v1alpha1/namespaces/{Ns}/serverpowers/{name}", body, Ct);
        response.EnsureSuccessStatusCode();
        var patched = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        return (string)patched["metadata"]!["resourceVersion"]!;
    }
}
