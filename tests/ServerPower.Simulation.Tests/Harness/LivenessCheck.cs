using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// After the calm phase (no faults, no world events, users quiet), what must have happened:
/// P5: every deletion completed (deletionPolicy Orphan always; Stop once the server could be stopped, and the user
/// set Orphan where it could not), whatever the annotations or suspend say.
/// P7 (liveness): a managed, unsuspended server whose provider can report state is in its declared state (as its
/// owner declares it, where two objects declare one server; unless an invalid gracePeriod holds its stop).
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
            if (manages && server.Power != Monitor.Declared(spec))
            {
                monitor.Report("P7", invalid ? "declared state never reached while an annotation is invalid" : "declared state never reached",
                    $"{key.Name}: server {serverId} is {server} {calm.TotalMinutes:0} min into the calm phase, declared {spec.State}: {facts}");
                return;
            }
        }
    }
}
