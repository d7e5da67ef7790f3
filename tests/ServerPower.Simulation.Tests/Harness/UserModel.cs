using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Runtime;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The people around the operator: they edit spec.state and spec.serverId (two objects may then declare one server),
/// set new one-shot tokens (and sometimes invalid ones, and old ones again, as a rollback does),
/// toggle suspend, change stop and deletion policies (sometimes to a grace period the operator cannot use), delete
/// objects and re-apply their manifests (GitOps: the
/// old tokens come back with them), and delete or replace the PowerProvider and its Secret.
/// </summary>
internal sealed class UserModel(SimContext sim, SimKube kube, ProviderWorld world, Scenario scenario)
{
    private static readonly string[] InvalidTokens = ["bad token!", "-leading-dash", new string('x', 70), ""];
    private readonly Dictionary<ObjectKey, ServerPowerResource> manifests = [];
    /// <summary>
    /// The valid tokens set on each object's annotations since it was last created, oldest first (a rollback sets one of
    /// them again; the operator's memory of handled tokens lives in the object's status, so it goes with the object).
    /// </summary>
    private readonly Dictionary<(ObjectKey, string), List<string>> tokensSet = [];
    private int tokens;

    /// <summary>The later features' actions, for a seed that exercises them.</summary>
    public FlowUser? Flows { get; set; }

    /// <summary>Called after an object is created or re-created (a moment worth a fault: the first sight).</summary>
    public Action? Created { get; set; }

    public string NewToken(string prefix) => $"{prefix}{++tokens}";

    public static string InvalidToken(SimContext sim) => sim.Pick(InvalidTokens);

    public void Apply(ServerPowerResource manifest)
    {
        var key = new ObjectKey(manifest.Metadata.NamespaceProperty, manifest.Metadata.Name);
        manifests[key] = Copy(manifest);
        kube.Create(Copy(manifest));
        sim.Log($"user: creates {key.Name}: {Summary(manifest)}");
        Created?.Invoke();
    }

    private (RateLimitSpec? Rate, int Slots) limits = (null, PowerProviderSpec.DefaultMaxConcurrentActions);

    public void PutProvider()
    {
        kube.PutProvider(scenario.Provider(limits.Rate, limits.Slots));
        sim.Log($"user: applies PowerProvider {Scenario.ProviderName} ({scenario.ProviderType}; rateLimit {limits.Rate?.RequestsPerSecond ?? 5}/s burst {limits.Rate?.Burst ?? 10}, maxConcurrentActions {limits.Slots})");
    }

    /// <summary>The account's own limits change (raised, lowered) while actions may be waiting or in flight.</summary>
    private void ChangeLimits()
    {
        limits = (new RateLimitSpec { RequestsPerSecond = sim.Pick(0.01, 0.2, 5, 1000), Burst = sim.Pick(1, 2, 10) }, sim.Pick(1, 2, 4));
        PutProvider();
    }

    public void PutSecret(string value)
    {
        kube.PutSecret(Scenario.Ns, Scenario.SecretName, Scenario.SecretKey, value);
        sim.Log($"user: applies Secret {Scenario.SecretName}{(value == ProviderWorld.ValidCredential ? "" : " with a wrong token")}");
    }

    public bool CredentialsValid => kube.ProviderExists(scenario.ProviderKey)
        && kube.Secret(Scenario.Ns, Scenario.SecretName, Scenario.SecretKey) == ProviderWorld.ValidCredential;

    /// <summary>The end of the chaos phase, sometimes: the application is torn down (kubectl delete of every object).</summary>
    public void TearDown()
    {
        foreach (var (key, _) in scenario.Servers)
            if (kube.Server(key) is { Metadata.DeletionTimestamp: null }) Delete(key);
    }

    /// <summary>One random action.</summary>
    public void Act()
    {
        var (key, _) = sim.Pick(scenario.Servers.ToArray());
        var live = kube.Server(key);
        var choices = new List<(double Weight, Action Do)>();
        if (live is null)
        {
            if (manifests.ContainsKey(key)) choices.Add((10, () => Recreate(key)));
        }
        else
        {
            var annotations = live.Metadata.Annotations ?? new Dictionary<string, string>();
            var invalid = annotations.Where(a => a.Key is Annotations.Restart or Annotations.Rebuild && !Valid(a.Value)).Select(a => a.Key).ToList();
            choices.Add((20, () => Edit(key, "spec.state", s => s.Spec = s.Spec with { State = s.Spec.State == DesiredPowerState.Running ? DesiredPowerState.Stopped : DesiredPowerState.Running })));
            choices.Add((12, () => Annotate(key, Annotations.Restart, NewToken("r"))));
            choices.Add((6, () => Annotate(key, Annotations.Rebuild, NewToken("b"))));
            choices.Add((4, () => Annotate(key, sim.Chance(0.6) ? Annotations.Restart : Annotations.Rebuild, InvalidToken(sim))));
            if (invalid.Count > 0)
                choices.Add((8, () =>
                {
                    var annotation = sim.Pick(invalid.ToArray());
                    if (sim.Chance(0.5)) Annotate(key, annotation, NewToken(annotation == Annotations.Restart ? "r" : "b"));
                    else Annotate(key, annotation, null);
                }));
            if (annotations.Count > 0) choices.Add((2, () => Annotate(key, sim.Pick(annotations.Keys.ToArray()), null)));
            // An Argo CD rollback: a token set before (among the last few, within what the operator remembers) comes back.
            var reverts = new[] { Annotations.Restart, Annotations.Rebuild }
                .SelectMany(a => (tokensSet.TryGetValue((key, a), out var set) ? set : []).TakeLast(5).Where(t => !(annotations.TryGetValue(a, out var now) && now == t)).Select(t => (a, t)))
                .ToArray();
            if (reverts.Length > 0) choices.Add((5, () => { var (a, t) = sim.Pick(reverts); Annotate(key, a, t); }));
            // The object is pointed at another server: maybe one another object declares too.
            var others = scenario.ServerIds.Where(id => id != live.Spec.ServerId).ToArray();
            choices.Add((4, () => { var id = sim.Pick(others); Edit(key, "spec.serverId", s => s.Spec = s.Spec with { ServerId = id }); }));
            choices.Add((7, () => Edit(key, "spec.suspend", s => s.Spec = s.Spec with { Suspend = !s.Spec.Suspend })));
            choices.Add((6, () => Edit(key, "spec.stop", s => s.Spec = s.Spec with { Stop = RandomStop(sim) })));
            choices.Add((5, () => Edit(key, "spec.deletionPolicy", s => s.Spec = s.Spec with { DeletionPolicy = s.Spec.DeletionPolicy == DeletionPolicy.Stop ? DeletionPolicy.Orphan : DeletionPolicy.Stop })));
            choices.Add((1, () => Edit(key, "spec.managementPolicy", s => s.Spec = s.Spec with { ManagementPolicy = s.Spec.ManagementPolicy == ManagementPolicy.Manage ? ManagementPolicy.Observe : ManagementPolicy.Manage })));
            if (live.Metadata.DeletionTimestamp is null) choices.Add((3, () => Delete(key)));
            Flows?.AddChoices(choices, key, live);
        }
        var providerExists = kube.ProviderExists(scenario.ProviderKey);
        var secret = kube.Secret(Scenario.Ns, Scenario.SecretName, Scenario.SecretKey);
        if (providerExists) choices.Add((1.5, () => { kube.DeleteProvider(scenario.ProviderKey); sim.Log($"user: deletes PowerProvider {Scenario.ProviderName}"); }));
        if (providerExists) choices.Add((3, ChangeLimits));
        else choices.Add((6, PutProvider));
        if (secret is null) choices.Add((6, () => PutSecret(ProviderWorld.ValidCredential)));
        else
        {
            choices.Add((1.5, () => { kube.DeleteSecret(Scenario.Ns, Scenario.SecretName); sim.Log($"user: deletes Secret {Scenario.SecretName}"); }));
            if (secret == ProviderWorld.ValidCredential) choices.Add((0.5, () => PutSecret("expired-token")));
            else choices.Add((6, () => PutSecret(ProviderWorld.ValidCredential)));
        }

        var roll = sim.Rng.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (weight, action) in choices)
        {
            if ((roll -= weight) >= 0) continue;
            action();
            return;
        }
    }

    /// <summary>The final phase's one pragmatic step: a deletion that cannot stop the server is let go (deletionPolicy Orphan).</summary>
    public void OrphanUnstoppableDeletions()
    {
        foreach (var (key, _) in scenario.Servers)
        {
            if (kube.Server(key) is not { Metadata.DeletionTimestamp: not null } live || live.Spec.DeletionPolicy != DeletionPolicy.Stop) continue;
            var why = live.Spec.ManagementPolicy == ManagementPolicy.Observe ? "managementPolicy is Observe"
                : kube.ProviderExists(scenario.ProviderKey) && !CredentialsValid ? "the credentials are broken"
                : world.Servers[live.Spec.ServerId].Gone ? "the server is gone at the provider"
                : null;
            if (why is not null) Edit(key, $"spec.deletionPolicy (the server cannot be stopped: {why})", s => s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Orphan });
        }
    }

    /// <summary>A grace period past the CRD's bound (8760h), as an object admitted before the bound still holds it.</summary>
    public const string GraceKeptFromBeforeTheBound = "999999999h";

    public static StopSpec RandomStop(SimContext sim)
    {
        var grace = sim.Pick("20s", "1m", "2m", "10m");
        return new StopSpec
        {
            GracePeriod = sim.Extremes.NextDouble() < 0.15 ? GraceKeptFromBeforeTheBound : grace,
            OnTimeout = sim.Chance(0.5) ? StopTimeoutAction.Kill : StopTimeoutAction.Wait,
        };
    }

    public static bool Valid(string value) => value.Length <= Annotations.MaxTokenLength && OneShotTokens.IsValid(value);

    public void Edit(ObjectKey key, string what, Action<ServerPowerResource> change)
    {
        change(manifests[key]);
        kube.Edit(key, change);
        sim.Log($"user: edits {key.Name} {what}: {Summary(kube.Server(key)!)}");
    }

    public void Annotate(ObjectKey key, string annotation, string? value)
    {
        void Change(ServerPowerResource s)
        {
            s.Metadata.Annotations ??= new Dictionary<string, string>();
            if (value is null) s.Metadata.Annotations.Remove(annotation);
            else s.Metadata.Annotations[annotation] = value;
        }
        Change(manifests[key]);
        kube.Edit(key, Change);
        if (value is not null && Valid(value))
        {
            if (!tokensSet.TryGetValue((key, annotation), out var set)) tokensSet[(key, annotation)] = set = [];
            set.Remove(value);
            set.Add(value);
        }
        sim.Log($"user: {(value is null ? $"removes {annotation}" : $"sets {annotation}=\"{value}\"")} on {key.Name}");
    }

    private void Delete(ObjectKey key)
    {
        kube.Delete(key);
        sim.Log($"user: deletes {key.Name} ({(kube.Server(key) is null ? "gone at once" : "marked for deletion")})");
    }

    private void Recreate(ObjectKey key)
    {
        // A new object: the operator can only remember tokens of this incarnation, and tokens are never reused across
        // incarnations (the manifest's own come back with it and are adopted, or not seen at all if replaced at once).
        foreach (var annotation in new[] { Annotations.Restart, Annotations.Rebuild }) tokensSet[(key, annotation)] = [];
        kube.Create(Copy(manifests[key]));
        sim.Log($"user: re-applies the manifest of {key.Name}: {Summary(manifests[key])}");
        Created?.Invoke();
    }

    private static ServerPowerResource Copy(ServerPowerResource s) =>
        Api.Serialization.ApiJson.Deserialize<ServerPowerResource>(Api.Serialization.ApiJson.Serialize(s))!;

    public static string Summary(ServerPowerResource s)
    {
        var spec = s.Spec;
        var annotations = s.Metadata.Annotations?.Where(a => a.Key is Annotations.Restart or Annotations.Rebuild or Annotations.Override or Annotations.Wake)
            .Select(a => $"{a.Key.Split('/')[1]}=\"{(a.Value.Length > 12 ? a.Value[..12] + "…" : a.Value)}\"") ?? [];
        return $"state {spec.State}{(spec.Suspend ? " suspended" : "")} deletion {spec.DeletionPolicy} stop {spec.Stop?.GracePeriod ?? "10m"}/{spec.Stop?.OnTimeout ?? StopTimeoutAction.Wait}"
            + $"{(spec.ManagementPolicy == ManagementPolicy.Observe ? " Observe" : "")} [{string.Join(" ", annotations)}]"
            + (spec.StartAfter is { } after ? $" startAfter [{string.Join(",", after)}]" : "")
            + (spec.ReadinessProbe is { } probe ? $" probe {probe.PeriodSeconds}s/{probe.FailureThreshold}/{probe.SuccessThreshold}" : "")
            + (spec.AutoStop is { } auto ? $" autoStop idle {auto.IdleAfter} max {auto.MaxRuntime ?? "-"} every {auto.PeriodSeconds}s" : "");
    }
}
