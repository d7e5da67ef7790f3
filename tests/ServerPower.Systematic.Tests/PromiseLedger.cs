using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Ownership;
using ServerPower.Providers.Contract;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// What the provider was asked, checked against the operator's promises (crds/README.md, "Guarantees") as each action
/// arrives: a one-shot token's restart or rebuild reaches the provider at most once, never for a token present at the
/// object's first sight, and only after its Sending record; a kill only escalates a stop to that server accepted at
/// least the grace period before (no read showing Stopped and no start, restart or rebuild since); an action comes
/// from the server's owner (no older object declared the server before the action's record was written); no key is
/// reconciled twice at once. Provider calls are told apart by the key whose reconcile makes them (an AsyncLocal that
/// <see cref="LedgerReconciler"/> sets).
/// </summary>
internal sealed class PromiseLedger(ServerPowerApi api, TimeSpan grace)
{
    private static readonly AsyncLocal<ObjectKey?> Reconciling = new();

    private readonly HashSet<ObjectKey> inFlight = [];
    private readonly Dictionary<string, HashSet<(ActionType Action, string Token)>> firstSight = [];
    private readonly Dictionary<(string Uid, ActionType Action, string Token), int> oneShots = [];
    private readonly List<Request> requests = [];

    private sealed record Request(DateTimeOffset At, string ServerId, ActionType? Action, ProviderOutcome Outcome, PowerState? Seen);

    public List<string> Violations { get; } = [];

    /// <summary>
    /// The first status of <paramref name="server"/> is being written: the operator's first sight of it, as crds/README.md
    /// defines it ("no status yet"), so the tokens on it then must be adopted. (Not its first read: a token replaced
    /// before the first status was written was never seen in that sense, and set again later it is new.)
    /// </summary>
    public void FirstStatus(ServerPowerResource server)
    {
        if (server.Metadata.Uid is not { } uid || firstSight.ContainsKey(uid)) return;
        firstSight[uid] = [];
        foreach (var (action, annotation) in new[] { (ActionType.Restart, Annotations.Restart), (ActionType.Rebuild, Annotations.Rebuild) })
            if (server.Metadata.Annotations?.TryGetValue(annotation, out var token) == true) firstSight[uid].Add((action, token));
    }

    public void Enter(ObjectKey key)
    {
        Reconciling.Value = key;
        if (!inFlight.Add(key)) Violations.Add($"{key} is reconciled twice at once");
    }

    public void Leave(ObjectKey key) => inFlight.Remove(key);

    public void Read(string serverId, ReadResult result) =>
        requests.Add(new Request(DateTimeOffset.MinValue, serverId, null, result.Outcome, result.Server?.Power));

    public void Sent(DateTimeOffset at, string serverId, ActionType action, ProviderOutcome outcome)
    {
        var request = new Request(at, serverId, action, outcome, null);
        var what = $"{action} to server {serverId} at {at:HH:mm:ss.fff}";
        if (Reconciling.Value is not { } key)
        {
            Violations.Add($"{what} outside any reconcile");
            requests.Add(request);
            return;
        }
        var server = api.Server(key);
        if (action is ActionType.Restart or ActionType.Rebuild) CheckOneShot(what, key, server, action);
        if (action == ActionType.Kill && Unjustified(request) is { } why) Violations.Add($"{what} by {key.Name}: {why}");
        if (server is not null && Owner(key, server, serverId) is { } owner)
            Violations.Add($"{what} by {key.Name}, but {owner.Metadata.Name} declared that server first (one owner per server)");
        requests.Add(request);
    }

    private void CheckOneShot(string what, ObjectKey key, ServerPowerResource? server, ActionType action)
    {
        var record = action == ActionType.Restart ? server?.Status?.Restart : server?.Status?.Rebuild;
        if (server?.Metadata.Uid is not { } uid || record is not { Phase: OneShotPhase.Sending, Token: var token })
        {
            Violations.Add($"{what} by {key.Name} without a Sending record of its token");
            return;
        }
        if (firstSight.GetValueOrDefault(uid)?.Contains((action, token)) == true)
            Violations.Add($"{what} by {key.Name}: token \"{token}\" was on the object at first sight and must be adopted, not executed");
        var times = oneShots[(uid, action, token)] = oneShots.GetValueOrDefault((uid, action, token)) + 1;
        if (times > 1) Violations.Add($"{what} by {key.Name}: token \"{token}\" executed {times} times");
    }

    /// <summary>Why a kill is not an escalation of an accepted stop that outlived the grace period; null when it is.</summary>
    private string? Unjustified(Request kill)
    {
        Request? tooEarly = null;
        foreach (var r in requests.AsEnumerable().Reverse().Where(r => r.ServerId == kill.ServerId))
        {
            if (r.Action is null)
            {
                if (r.Seen == PowerState.Stopped) return "the server had reported Stopped since its last stop";
                continue;
            }
            if (r.Action == ActionType.Stop && r.Outcome.IsAccepted)
            {
                if (kill.At - r.At >= grace) return null;
                tooEarly ??= r;
            }
            else if (r.Action is ActionType.Start or ActionType.Restart or ActionType.Rebuild && (r.Outcome.IsAccepted || r.Outcome.MayHaveReachedProvider))
            {
                break;
            }
        }
        return tooEarly is { } stop ? $"the stop accepted at {stop.At:HH:mm:ss.fff} had not outlived the grace period {grace.TotalSeconds} s"
            : "no stop accepted since the last start, restart or rebuild";
    }

    /// <summary>
    /// An older object (ServerOwnership's order) that declared <paramref name="serverId"/> before this action's record was
    /// written; null when <paramref name="key"/> owned the server then. The record is the object's last status write.
    /// </summary>
    private ServerPowerResource? Owner(ObjectKey key, ServerPowerResource server, string serverId)
    {
        if (api.LastStatusWrite(key) is not { } recorded) return null;
        return api.Objects.Values.Where(o => ObjectKey.From(o.Metadata) != key
                && CachedServerIdLookup.Normalize(o.Spec.ServerId) == CachedServerIdLookup.Normalize(serverId)
                && ServerOwnership.Order.Compare(o, server) < 0
                && api.DeclaredSince(ObjectKey.From(o.Metadata)) < long.Parse(recorded))
            .FirstOrDefault();
    }
}
