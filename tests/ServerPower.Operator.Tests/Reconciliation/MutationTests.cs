using System.Net;
using System.Threading.Channels;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// Rows added where mutation testing (dotnet-stryker) found behaviour of the reconcilers, the provider resolution,
/// the endpoint policy and the outcome write retry that no other test pinned down.
/// </summary>
public sealed class MutationTests
{
    private const string Ns = ReconcilerFixture.Ns;

    private static readonly ProviderCapabilities Wenium = new(true, true,
        new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Rebuild }, RebuildUsesSpec: true);

    // ---- endpoint policy ----

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://provider.example.com/api")]
    public void The_default_policy_refuses_plain_http_even_on_loopback(string endpoint)
    {
        var refused = EndpointPolicy.Default.Check(new Uri(endpoint));
        Assert.NotNull(refused);
        Assert.Contains("https", refused, StringComparison.Ordinal);
        Assert.Null(EndpointPolicy.Default.Check(new Uri("https://provider.example.com/api")));
    }

    [Fact]
    public void A_refused_endpoint_says_what_is_wrong_with_it()
    {
        Assert.Contains("'ftp'", new EndpointPolicy(true, true, []).Check(new Uri("ftp://files.example.com")), StringComparison.Ordinal);
        Assert.Contains("'evil.example.com'", new EndpointPolicy(false, false, ["panel.example.com"]).Check(new Uri("https://evil.example.com")), StringComparison.Ordinal);
    }

    // ---- provider resolution ----

    [Fact]
    public async Task A_missing_PowerProvider_is_named_with_its_namespace()
    {
        var (resolver, _, _) = Resolver();
        var unusable = Assert.IsType<ProviderResolution.Unusable>(await resolver.ResolveAsync(Ns, "nope", CancellationToken.None));
        Assert.Equal(Reasons.ProviderNotFound, unusable.Reason);
        Assert.Contains("\"nope\"", unusable.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{Ns}\"", unusable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_without_an_endpoint_uses_its_types_default_and_its_account_is_keyed_by_namespace_and_name()
    {
        var (resolver, _, factory) = Resolver();
        var usable = Assert.IsType<ProviderResolution.Usable>(await resolver.ResolveAsync(Provider(s => s with { Endpoint = null }), CancellationToken.None));
        Assert.Equal(new Uri("https://console.wenium.com/api"), usable.Account.Endpoint);
        Assert.Equal($"{Ns}/acct", Assert.Single(factory.Accounts).Key);
    }

    public static TheoryData<string, string, string> UnusableSpecs => new()
    {
        { "no-endpoint", Reasons.InvalidSpec, "spec.endpoint" },
        { "relative-endpoint", Reasons.InvalidSpec, "spec.endpoint" },
        { "zero-reassert", Reasons.InvalidSpec, "spec.reassertInterval" },
        { "unparsable-reassert", Reasons.InvalidSpec, "spec.reassertInterval" },
        { "huge-reassert", Reasons.InvalidSpec, "spec.reassertInterval \"999999999h\"" },
        { "no-credentials", Reasons.CredentialsMissing, "Secret \"token\"" },
        { "no-ca-bundle", Reasons.CredentialsMissing, "CA bundle" },
    };

    [Theory, MemberData(nameof(UnusableSpecs))]
    public async Task An_unusable_PowerProvider_names_itself_and_what_to_fix(string fault, string reason, string names)
    {
        var (resolver, _, factory) = Resolver(credentials: fault != "no-credentials");
        var resource = Provider(s => fault switch
        {
            "no-endpoint" => s with { Type = ProviderType.Wings, Endpoint = null },
            "relative-endpoint" => s with { Endpoint = "provider.example.com/api" },
            "zero-reassert" => s with { ReassertInterval = "0s" },
            "unparsable-reassert" => s with { ReassertInterval = "soon" },
            "huge-reassert" => s with { ReassertInterval = "999999999h" },
            "no-ca-bundle" => s with { CaBundleSecretRef = new SecretKeyReference { Name = "ca", Key = "ca.crt" } },
            _ => s,
        });
        var unusable = Assert.IsType<ProviderResolution.Unusable>(await resolver.ResolveAsync(resource, CancellationToken.None));
        Assert.Equal(reason, unusable.Reason);
        Assert.Contains("PowerProvider \"acct\"", unusable.Message, StringComparison.Ordinal);
        Assert.Contains(names, unusable.Message, StringComparison.Ordinal);
        Assert.Empty(factory.Accounts);
    }

    [Fact]
    public async Task A_reassert_interval_and_a_CA_bundle_reach_the_account()
    {
        var (resolver, kube, _) = Resolver();
        kube.PutSecret(Ns, "ca", "ca.crt", "-----BEGIN CERTIFICATE-----");
        var resource = Provider(s => s with { ReassertInterval = "30m", CaBundleSecretRef = new SecretKeyReference { Name = "ca", Key = "ca.crt" } });
        var usable = Assert.IsType<ProviderResolution.Usable>(await resolver.ResolveAsync(resource, CancellationToken.None));
        Assert.Equal(TimeSpan.FromMinutes(30), usable.ReassertInterval);
        Assert.Equal("-----BEGIN CERTIFICATE-----", usable.Account.CaBundlePem);
    }

    // ---- PowerProvider reconciler ----

    [Fact]
    public async Task A_deleted_PowerProvider_is_done_without_a_write()
    {
        var f = new ReconcilerFixture();
        var gone = new ObjectKey(Ns, "gone");
        var result = await ProviderReconciler(f, f.Provider).ReconcileAsync(gone, CancellationToken.None);
        Assert.Equal(ReconcileResult.Done, result);
        Assert.Empty(f.Kube.Writes);
    }

    [Fact]
    public async Task A_ready_PowerProvider_names_its_endpoint_and_is_left_to_the_resync()
    {
        var f = new ReconcilerFixture();
        var result = await ProviderReconciler(f, f.Provider).ReconcileAsync(new ObjectKey(Ns, "main"), CancellationToken.None);
        Assert.Equal(ReconcileResult.Done, result);
        var ready = ProviderReady(f);
        Assert.Equal(("True", Reasons.ProviderReady), (ready?.Status, ready?.Reason));
        Assert.Contains("https://provider.example.com/api", ready?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_probe_makes_the_PowerProvider_not_Ready_with_the_providers_words()
    {
        var f = new ReconcilerFixture();
        var provider = new RecordingProvider(ProviderType.Wenium, Wenium) { ProbeAnswer = new ProviderOutcome(OutcomeKind.Unauthorized, "token revoked") };
        var result = await ProviderReconciler(f, provider).ReconcileAsync(new ObjectKey(Ns, "main"), CancellationToken.None);
        var ready = ProviderReady(f);
        Assert.Equal(("False", Reasons.Unauthorized), (ready?.Status, ready?.Reason));
        Assert.Contains("token revoked", ready?.Message, StringComparison.Ordinal);
        Assert.Equal(f.Settings.MaxPoll, result.RequeueAfter);
    }

    // ---- ServerPower reconciler ----

    [Fact]
    public async Task An_object_being_deleted_whose_policy_turned_Orphan_is_let_go_without_touching_the_server()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s =>
        {
            s.Metadata.Finalizers = [Annotations.StopFinalizer];
            s.Metadata.DeletionTimestamp = f.Time.GetUtcNow().UtcDateTime;
        });

        var result = await f.ReconcileAsync();

        Assert.Equal(ReconcileResult.Done, result);
        Assert.False(f.Kube.HasServer(Ns, ReconcilerFixture.Key.Name));
        Assert.Empty(f.Provider.Sent);
    }

    [Fact]
    public async Task Only_our_finalizer_is_added_and_removed_others_are_kept()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s =>
        {
            s.Metadata.Finalizers = ["example.com/backup"];
            s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Stop };
        });
        await f.ReconcileAsync();
        Assert.Equal(["example.com/backup", Annotations.StopFinalizer], f.Server.Metadata.Finalizers);

        f.Edit(s => s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Orphan });
        await f.ReconcileAsync();
        Assert.Equal(["example.com/backup"], f.Server.Metadata.Finalizers);
    }

    [Fact]
    public async Task A_rebuild_sends_spec_rebuild_with_the_root_password_and_a_start_sends_none()
    {
        var (f, provider, reconciler) = Wired();
        f.Kube.PutSecret(Ns, "root", "password", "hunter2");
        f.AddServer(DesiredPowerState.Running, PowerState.Stopped, s => s.Spec = s.Spec with
        {
            Rebuild = new RebuildSpec { OsId = "debian-12", Hostname = "mc1", RootPasswordSecretRef = new SecretKeyReference { Name = "root", Key = "password" } },
        });
        provider.Server = new ObservedServer(PowerState.Stopped, "stopped");
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal([(ActionType.Start, (RebuildRequest?)null)], provider.Sent);

        provider.Server = new ObservedServer(PowerState.Running, "running");
        f.Time.Advance(TimeSpan.FromSeconds(10));
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        f.Edit(s => ReconcilerFixture.SetAnnotation(s, ReconcilerFixture.RebuildKey, "b1"));
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        var (action, rebuild) = provider.Sent[^1];
        Assert.Equal(ActionType.Rebuild, action);
        Assert.Equal(("debian-12", "mc1", "hunter2"), (rebuild?.OsId, rebuild?.Hostname, rebuild?.RootPassword?.Reveal()));
    }

    [Fact]
    public async Task A_rebuild_whose_root_password_Secret_is_missing_sends_nothing_and_fails_naming_it()
    {
        var (f, provider, reconciler) = Wired();
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with
        {
            Rebuild = new RebuildSpec { OsId = "debian-12", RootPasswordSecretRef = new SecretKeyReference { Name = "root", Key = "password" } },
        });
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        f.Edit(s => ReconcilerFixture.SetAnnotation(s, ReconcilerFixture.RebuildKey, "b1"));

        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.Empty(provider.Sent);
        Assert.Equal(OneShotPhase.Failed, f.Server.Status?.Rebuild?.Phase);
        Assert.Contains("Secret \"root\"", f.Server.Status?.Rebuild?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_reconcile_reports_the_Synced_message_to_the_work_queue()
    {
        var (f, provider, reconciler) = Wired();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        provider.ReadFailure = new ProviderOutcome(OutcomeKind.Unavailable, "503 from upstream");

        var result = await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.True(result.Failed);
        Assert.Equal(f.Condition(ConditionTypes.Synced)?.Message, result.Error);
        Assert.Contains("503 from upstream", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_requeue_as_far_out_as_the_resync_is_left_to_the_resync()
    {
        var settings = new DecisionSettings(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
        Assert.Equal(ReconcileResult.Done, ServerPowerReconciler.Requeue(settings.ResyncPeriod, settings));
        Assert.Equal(ReconcileResult.After(TimeSpan.FromMinutes(4)), ServerPowerReconciler.Requeue(TimeSpan.FromMinutes(4), settings));
    }

    // ---- the write that records a provider's answer ----

    [Fact]
    public async Task A_persistent_5xx_is_retried_with_doubling_delays_up_to_5s_until_the_30s_deadline()
    {
        var attempts = await Attempts(_ => Status(503));
        Assert.Equal([0, 100, 300, 700, 1500, 3100, 6300, 11300, 16300, 21300, 26300], attempts.Offsets);
        Assert.IsType<HttpOperationException>(attempts.Error);
    }

    [Theory]
    [InlineData("3", 3000)]
    [InlineData(null, 100)]
    public async Task A_429_is_retried_after_its_Retry_After_or_else_the_first_delay(string? retryAfter, int retriedAtMs)
    {
        var attempts = await Attempts(n => n == 1 ? Status(429, retryAfter) : null);
        Assert.Equal([0, retriedAtMs], attempts.Offsets);
        Assert.Null(attempts.Error);
    }

    [Fact]
    public async Task A_Retry_After_reaching_the_deadline_is_not_waited_for()
    {
        var attempts = await Attempts(_ => Status(429, ((int)StatusWriteRetry.Deadline.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([0], attempts.Offsets);
        Assert.IsType<HttpOperationException>(attempts.Error);
    }

    // ---- helpers ----

    private static (ProviderResolver Resolver, InMemoryResourceClient Kube, ScriptedProvider Factory) Resolver(bool credentials = true)
    {
        var kube = new InMemoryResourceClient();
        if (credentials) kube.PutSecret(Ns, "token", "token", "s3cr3t");
        var factory = new ScriptedProvider(ProviderType.Wenium, Wenium);
        return (new ProviderResolver(kube, factory, EndpointPolicy.Default), kube, factory);
    }

    private static PowerProviderResource Provider(Func<PowerProviderSpec, PowerProviderSpec> spec) => new()
    {
        Metadata = new V1ObjectMeta { Name = "acct", NamespaceProperty = Ns, ResourceVersion = "1", Generation = 1 },
        Spec = spec(new PowerProviderSpec
        {
            Type = ProviderType.Wenium, Endpoint = "https://provider.example.com/api",
            CredentialsSecretRef = new SecretKeyReference { Name = "token", Key = "token" },
        }),
    };

    private static PowerProviderReconciler ProviderReconciler(ReconcilerFixture f, IPowerProviderFactory factory) =>
        new(f.Kube, new ProviderResolver(f.Kube, factory, EndpointPolicy.Default), f.Time, f.Settings, NullLogger<PowerProviderReconciler>.Instance);

    private static Api.Resources.Condition? ProviderReady(ReconcilerFixture f) =>
        Conditions.Find(f.Kube.Provider(Ns, "main").Status?.Conditions, ConditionTypes.Ready);

    private static (ReconcilerFixture F, RecordingProvider Provider, ServerPowerReconciler Reconciler) Wired()
    {
        var f = new ReconcilerFixture();
        var provider = new RecordingProvider(ProviderType.Wenium, Wenium);
        var reconciler = new ServerPowerReconciler(f.Kube, new ProviderResolver(f.Kube, provider, EndpointPolicy.Default), f, f.Time, f.Settings,
            NullLogger<ServerPowerReconciler>.Instance);
        return (f, provider, reconciler);
    }

    private static HttpOperationException Status(int code, string? retryAfter = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)code);
        if (retryAfter is not null) response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return new HttpOperationException($"status {code}") { Response = new HttpResponseMessageWrapper(response, "") };
    }

    private sealed record AttemptLog(List<long> Offsets, Exception? Error);

    /// <summary>
    /// Runs one outcome write whose attempt n fails with <paramref name="failure"/>(n) (null: succeeds), moving the fake
    /// clock only while the retry waits, and returns when (in ms after the start) each attempt was made.
    /// </summary>
    private static async Task<AttemptLog> Attempts(Func<int, Exception?> failure)
    {
        var clock = new WaitingClock();
        var start = clock.GetUtcNow();
        var offsets = new List<long>();
        var retry = new StatusWriteRetry(clock, NullLogger.Instance);
        var write = Task.Run(() => retry.WriteAsync(() =>
        {
            offsets.Add((long)(clock.GetUtcNow() - start).TotalMilliseconds);
            // A runaway loop (no deadline, no delay) ends here instead of spinning for ever.
            if (offsets.Count > 100) throw new InvalidOperationException("more than 100 attempts");
            return failure(offsets.Count) is { } e ? Task.FromException<int>(e) : Task.FromResult(offsets.Count);
        }));
        while (!write.IsCompleted)
        {
            var waiting = await Task.WhenAny(write, clock.NextWait());
            if (waiting != write) clock.Advance(await (Task<TimeSpan>)waiting);
        }
        try
        {
            await write;
            return new AttemptLog(offsets, null);
        }
        catch (Exception e)
        {
            return new AttemptLog(offsets, e);
        }
    }

    /// <summary>A fake clock that tells when the code under test starts waiting on it, and for how long.</summary>
    private sealed class WaitingClock() : FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero))
    {
        private readonly Channel<TimeSpan> waits = Channel.CreateUnbounded<TimeSpan>();

        public Task<TimeSpan> NextWait() => waits.Reader.ReadAsync().AsTask();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime != Timeout.InfiniteTimeSpan) waits.Writer.TryWrite(dueTime);
            return timer;
        }
    }

    /// <summary>A provider edge that records what was sent (with the rebuild request) and answers reads and probes as told.</summary>
    private sealed class RecordingProvider(ProviderType type, ProviderCapabilities capabilities) : IPowerProvider, IPowerProviderFactory
    {
        public ObservedServer Server { get; set; } = new(PowerState.Running, "running");
        public ProviderOutcome? ReadFailure { get; set; }
        public ProviderOutcome ProbeAnswer { get; set; } = ProviderOutcome.Accepted();
        public List<(ActionType Action, RebuildRequest? Rebuild)> Sent { get; } = [];

        public ProviderType Type => type;
        public ProviderCapabilities Capabilities => capabilities;

        public IPowerProvider Get(ProviderAccount account) => this;

        public Task<ReadResult> ReadAsync(string serverId, CancellationToken cancellationToken) =>
            Task.FromResult(ReadFailure is { } failure ? ReadResult.Failed(failure) : ReadResult.Of(Server));

        public Task<BatchReadResult> ReadAllAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ProviderOutcome> SendAsync(string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken)
        {
            Sent.Add((action, rebuild));
            return Task.FromResult(ProviderOutcome.Accepted("ok"));
        }

        public Task<ProviderOutcome> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(ProbeAnswer);

        public Task<ProviderOutcome> SendCommandAsync(string serverId, string command, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
