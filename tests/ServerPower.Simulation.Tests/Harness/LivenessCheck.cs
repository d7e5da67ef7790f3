using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// After the calm phase (no faults, no world events, users quiet), what must have happened:
/// P5: every deletion completed (deletionPolicy Orphan always; Stop once the server could be stopped, and the user
/// set Orphan where it could not), whatever the annotations or suspend say.
/// P7 (liveness): a managed, unsuspended server whose provider can report state is in its declared state (as its
/// owner declares it, where two objects declare one server; unless an invalid gracePeriod holds its stop). The state
/// declared is the effective one (override, else schedule, else spec.state); none is expected where it is unknown (an
/// invalid override, a missing or invalid schedule), where spec.startAfter holds it (a dependency not Ready, an invalid
/// order, a dependent being stopped that still runs) or where auto-stop stopped the server.
/// </summary>
internal static class LivenessCheck
{
    public static void Run(SimContext sim, SimKube kube, ProviderWorld world, Scenario scenario, UserModel user, Monitor monitor, TimeSpan calm)
    {
        foreach (var (key, _) in scenario.Servers)
        {
            if (kube.Server(key) is not { } live) continue;
            var serverId = live.Spec.ServerId;
            var server = world.Servers[serverId];
            var spec = live.Spec;
            var annotations = live.Metadata.Annotations ?? new Dictionary<string, string>();
            var invalid = annotations.Any(a => a.Key is Annotations.Restart or Annotations.Rebuild && !UserModel.Valid(a.Value));
            var facts = $"{UserModel.Summary(live)}; status {SimKube.Describe(live)}; server {server}; "
                + $"PowerProvider {(kube.ProviderExists(scenario.ProviderKey) ? "present" : "missing")}, credentials {(user.CredentialsValid ? "valid" : "broken")}";
            if (live.Metadata.DeletionTimestamp is not null)
            {
                var context = new List<string> { $"deletionPolicy {spec.DeletionPolicy}" };
                if (invalid) context.Add("an annotation is invalid");
                if (spec.Suspend) context.Add("suspended");
                monitor.Report("P5", $"deletion never completes ({string.Join(", ", context)})",
                    $"{key.Name} is still there {calm.TotalMinutes:0} min into the calm phase, deletion requested at {Trace.Stamp(new DateTimeOffset(live.Metadata.DeletionTimestamp.Value, TimeSpan.Zero))}: {facts}");
                return;
            }
            // Another object, created earlier, declares the same server: it owns it, this one reports ServerConflict.
            var owned = !scenario.Servers.Select(s => kube.Server(s.Key)).OfType<Api.Resources.ServerPowerResource>()
                .Any(o => o.Metadata.Uid != live.Metadata.Uid && o.Spec.ServerId == serverId && Operator.Ownership.ServerOwnership.Order.Compare(o, live) < 0);
            var manages = owned && !spec.Suspend && spec.ManagementPolicy == ManagementPolicy.Manage && user.CredentialsValid
                && SimCapabilities.Of(scenario.ProviderType).CanReadState && !server.Gone && !Monitor.StopHeld(spec);
            var declared = monitor.Effective(live) is { } effective ? (effective == TargetPowerState.Running ? PowerState.Running : PowerState.Stopped) : (PowerState?)null;
            if (manages && declared is not null && !HeldByLaterFeatures(kube, live, declared.Value) && server.Power != declared)
            {
                monitor.Report("P7", invalid ? "declared state never reached while an annotation is invalid" : "declared state never reached",
                    $"{key.Name}: server {serverId} is {server} {calm.TotalMinutes:0} min into the calm phase, declared {declared}: {facts}");
                return;
            }
        }
    }

    /// <summary>Where spec.startAfter or auto-stop rightly keep a server from its declared state.</summary>
    private static bool HeldByLaterFeatures(SimKube kube, ServerPowerResource live, PowerState declared)
    {
        if (live.Status?.AutoStop?.StoppedAt is not null) return true;
        var ns = live.Metadata.NamespaceProperty;
        var others = kube.ServerKeys.Where(k => k.Namespace == ns).Select(kube.Server).OfType<ServerPowerResource>().ToList();
        if (Operator.Decision.Conditions.Find(live.Status?.Conditions, ConditionTypes.Synced) is { Status: ConditionStatus.False, Reason: Reasons.InvalidSpec } synced
            && synced.Message?.Contains("spec.startAfter", StringComparison.Ordinal) == true) return true;
        if (declared == PowerState.Running)
            return (live.Spec.StartAfter ?? []).Any(n => others.FirstOrDefault(o => o.Metadata.Name == n) is not { } d || !Operator.Ordering.DependencyResolver.IsUp(d));
        return others.Any(d => d.Metadata.Uid != live.Metadata.Uid && d.Spec.StartAfter?.Contains(live.Metadata.Name) == true && Operator.Ordering.DependencyResolver.StopsAndStillRuns(d));
    }
}
