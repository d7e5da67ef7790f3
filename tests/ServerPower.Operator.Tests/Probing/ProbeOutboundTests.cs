using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Operator.Tests.Reconciliation;
using ServerPower.Providers.Outbound;
using ServerPower.Sandbox.Services;
using ServerPower.Operator.Endpoints;

namespace ServerPower.Operator.Tests.Probing;

/// <summary>
/// Readiness probes connect through the outbound policy's connect hook: a refused target connects nowhere, and the
/// server shows Synced=False EndpointNotAllowed with the rule only. Refusals are shown with a recording stand-in
/// resolver (nothing leaves this machine) and with real listeners on loopback addresses the default refuses.
/// </summary>
public sealed class ProbeOutboundTests
{
    private const string MetadataName = "service.tenant.example";

    private readonly FakeTimeProvider time = new();
    private readonly RecordingNetwork network = new(new Dictionary<string, IPAddress[]>
    {
        [MetadataName] = [IPAddress.Parse("169.254.169.254")],
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> RefusedHosts => ["169.254.169.254", "127.0.0.1", "::1", "0.0.0.0", "::ffff:169.254.169.254", "::ffff:127.0.0.1", "fe80::1", MetadataName];

    [Theory]
    [MemberData(nameof(RefusedHosts))]
    public async Task A_tcpSocket_probe_at_a_refused_target_connects_nowhere(string host)
    {
        using var runner = new ProbeRunner(time, new OutboundConnector(OutboundPolicy.Default, network));

        var attempt = await runner.RunAsync(new ReadinessProbeSpec { TcpSocket = new TcpSocketProbe { Host = host, Port = 80 } }, Ct);

        AssertRefused(attempt);
    }

    [Theory]
    [MemberData(nameof(RefusedHosts))]
    public async Task An_httpGet_probe_at_a_refused_target_connects_nowhere(string host)
    {
        using var runner = new ProbeRunner(time, new OutboundConnector(OutboundPolicy.Default, network));
        var authority = IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host;

        var attempt = await runner.RunAsync(new ReadinessProbeSpec { HttpGet = new HttpGetProbe { Url = $"http://{authority}:8080/health" } }, Ct);

        AssertRefused(attempt);
    }

    private void AssertRefused(ProbeAttempt attempt)
    {
        Assert.False(attempt.Success);
        Assert.NotNull(attempt.Refused);
        Assert.StartsWith("the operator's outbound policy refuses ", attempt.Refused, StringComparison.Ordinal);
        Assert.Equal($"not connected: {attempt.Refused}", attempt.Message);
        Assert.DoesNotContain("169.254.169.254", attempt.Message, StringComparison.Ordinal);
        Assert.Empty(network.Connected);
    }

    [Theory]
    [InlineData("127.0.0.2", false)]
    [InlineData("::1", false)]
    [InlineData("127.0.0.2", true)]
    [InlineData("::1", true)]
    public async Task A_listener_on_a_refused_loopback_address_sees_no_probe_unless_loopback_is_allowed(string address, bool http)
    {
        await using var service = ServiceListener.Start(address: IPAddress.Parse(address));
        var endpoint = new IPEndPoint(service.Address, service.Port);
        var probe = http
            ? new ReadinessProbeSpec { HttpGet = new HttpGetProbe { Url = $"http://{endpoint}/" } }
            : new ReadinessProbeSpec { TcpSocket = new TcpSocketProbe { Host = address, Port = service.Port } };

        using (var production = new ProbeRunner(time, new OutboundConnector(OutboundPolicy.Default)))
            Assert.NotNull((await production.RunAsync(probe, Ct)).Refused);
        Assert.Equal(0, service.Accepted);

        // With the sandbox's loopback allowance the same probe reaches the listener: the zero above is the policy's doing.
        using var sandbox = new ProbeRunner(time, new OutboundConnector(OutboundPolicy.AllowingLoopback));
        var attempt = await sandbox.RunAsync(probe, Ct);
        Assert.True(attempt.Success, attempt.Message);
        // A TCP probe passes once the kernel completed the handshake, which can be before the listener's accept loop
        // counted it: wait for the count, then check it is exactly one.
        await Eventually.Until(() => service.Accepted >= 1, "the listener counts the probe's connection");
        Assert.Equal(1, service.Accepted);
    }

    [Fact]
    public async Task A_server_whose_probe_target_resolves_to_a_refused_address_is_EndpointNotAllowed_and_names_only_the_rule()
    {
        var f = new ReconcilerFixture();
        using var runner = new ProbeRunner(f.Time, new OutboundConnector(OutboundPolicy.Default, network));
        var prober = new ReadinessProber(runner, new ProbeTargetPolicy(EndpointPolicy.Default), CallbackServerQueue.None, f.Time, NullLogger<ReadinessProber>.Instance,
            new ProberOptions());
        var reconciler = f.ReconcilerWith(probes: prober);
        var probe = new ReadinessProbeSpec { TcpSocket = new TcpSocketProbe { Host = MetadataName, Port = 80 } };
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with { ReadinessProbe = probe });

        await reconciler.ReconcileAsync(ReconcilerFixture.Key, Ct);
        await prober.StartDue(Ct).Started;
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, Ct);

        var synced = f.Condition(ConditionTypes.Synced);
        Assert.Equal(("False", Reasons.EndpointNotAllowed), (synced?.Status, synced?.Reason));
        Assert.Equal("readiness probe: the operator's outbound policy refuses link-local addresses (169.254.0.0/16, fe80::/10)", synced?.Message);
        Assert.Equal(("False", Reasons.ProbeFailing), (f.Condition(ConditionTypes.Ready)?.Status, f.Condition(ConditionTypes.Ready)?.Reason));
        Assert.DoesNotContain("169.254.169.254", f.Condition(ConditionTypes.Ready)?.Message, StringComparison.Ordinal);
        Assert.Null(f.Server.Status?.Probe);
        Assert.Empty(network.Connected);

        // The target is probed again on its schedule (a name may come to resolve to an allowed address), still connecting nowhere.
        f.Time.Advance(TimeSpan.FromSeconds(probe.PeriodSeconds));
        await prober.StartDue(Ct).Started;
        Assert.Equal(2, network.Resolved.Count);
        Assert.Empty(network.Connected);
    }
}
