using ServerPower.Operator.Reconciliation;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>What a deliberately broken reconciler (a mutant, for the harness's self-tests) may use to break a promise.</summary>
internal sealed record MutantEdges(SimKube Kube, FiberScheduler Fibers, Monitor Monitor, ProviderResolver Resolver);
