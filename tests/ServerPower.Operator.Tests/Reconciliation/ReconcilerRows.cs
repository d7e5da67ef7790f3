using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Operator.Tests.Probing;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Outbound;
using k8s.Autorest;
using k8s.Models;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// Wiring for the reconciler behaviour tables: a provider resolver over an in-memory cluster, PowerProviders, a
/// reconciler with a recording provider, the outcome write retry's attempts on a clock that says when it waits, and a
/// prober.
/// </summary>
internal static class ReconcilerRows
{
    internal const string Ns = ReconcilerFixture.Ns;

    internal static readonly ProviderCapabilities Wenium = new(true, true,
        new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Rebuild }, RebuildUsesSpec: true);

    internal static (ProviderResolver Resolver, InMemoryResourceClient Kube, ScriptedProvider Factory) Resolver(bool credentials = true)
    {
        var kube = new InMemoryResourceClient();
        if (credentials) kube.PutSecret(Ns, "token", "token", "s3cr3t");
        var factory = new ScriptedProvider(ProviderType.Wenium, Wenium);
        return (new ProviderResolver(kube, factory, EndpointPolicy.Default), kube, factory);
    }

    internal static PowerProviderResource Provider(Func<PowerProviderSpec, PowerProviderSpec> spec) => new()
    {
        Metadata = new V1ObjectMeta { Name = "acct", NamespaceProperty = Ns, ResourceVersion = "1", Generation = 1 },
        Spec = spec(new PowerProviderSpec
        {
            Type = ProviderType.Wenium, Endpoint = "https://provider.example.com/api",
            CredentialsSecretRef = new SecretKeyReference { Name = "token", Key = "token" },
        }),
    };

    internal static PowerProviderReconciler ProviderReconciler(ReconcilerFixture f, IPowerProviderFactory factory) =>
        new(f.Kube, new ProviderResolver(f.Kube, factory, EndpointPolicy.Default), f.Time, f.Settings, NullLogger<PowerProviderReconciler>.Instance);

    internal static Api.Resources.Condition? ProviderReady(ReconcilerFixture f) =>
        Conditions.Find(f.Kube.Provider(Ns, "main").Status?.Conditions, ConditionTypes.Ready);

    internal static (ReconcilerFixture F, RecordingProvider Provider, ServerPowerReconciler Reconciler) Wired()
    {
        var f = new ReconcilerFixture();
        var provider = new RecordingProvider(ProviderType.Wenium, Wenium);
        var reconciler = f.ReconcilerWith(resolver: new ProviderResolver(f.Kube, provider, EndpointPolicy.Default));
        return (f, provider, reconciler);
    }

    internal static HttpOperationException Status(int code, string? retryAfter = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)code);
        if (retryAfter is not null) response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return new HttpOperationException($"status {code}") { Response = new HttpResponseMessageWrapper(response, "") };
    }

    internal sealed record AttemptLog(List<long> Offsets, Exception? Error);

    /// <summary>
    /// Runs one outcome write whose attempt n fails with <paramref name="failure"/>(n) (null: succeeds), moving the fake
    /// clock only while the retry waits, and returns when (in ms after the start) each attempt was made.
    /// </summary>
    internal static async Task<AttemptLog> Attempts(Func<int, Exception?> failure)
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
    internal sealed class WaitingClock() : FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero))
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
    internal sealed class RecordingProvider(ProviderType type, ProviderCapabilities capabilities) : IPowerProvider, IPowerProviderFactory
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

    /// <summary>Marks the server deleted while a finalizer that is not ours holds it.</summary>
    internal static void DeleteHeldByAnotherFinalizer(ReconcilerFixture f) => f.Edit(s =>
    {
        s.Metadata.Finalizers = ["example.com/backup"];
        s.Metadata.DeletionTimestamp = f.Time.GetUtcNow().UtcDateTime;
    });

    internal static (ReconcilerFixture F, ReadinessProber Prober, ServerPowerReconciler Reconciler) Probed()
    {
        var f = new ReconcilerFixture();
        var prober = new ReadinessProber(new ProbeRunner(f.Time, new OutboundConnector(OutboundPolicy.AllowingLoopback)), new ProbeTargetPolicy(EndpointPolicy.Default), CallbackServerQueue.None, f.Time, NullLogger<ReadinessProber>.Instance, new ProberOptions());
        var reconciler = f.ReconcilerWith(probes: prober);
        // Tracked only; never probed here (no probe is started), so the port need not listen.
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with
        {
            ReadinessProbe = new ReadinessProbeSpec { TcpSocket = new TcpSocketProbe { Host = "127.0.0.1", Port = 9 } },
        });
        return (f, prober, reconciler);
    }
}
