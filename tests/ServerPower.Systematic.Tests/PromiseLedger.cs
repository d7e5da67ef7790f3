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
/// reconciled twice at once by one replica. Provider calls and status writes are told apart by the reconcile that makes
/// them (an AsyncLocal that <see cref="LedgerReconciler"/> sets): an action's record is its own reconcile's last status
/// write, not the object's (another replica may have written since).
/// </summary>
internal sealed class PromiseLedger(ServerPowerApi api, TimeSpan grace)
{
    private static readonly AsyncLocal<Reconcile?> Reconciling = new();

    private readonly HashSet<(string Replica, ObjectKey Key)> inFlight = [];
    private readonly Dictionary<string, HashSet<(ActionType Action, string Token)>> firstSight = [];
    private readonly Dictionary<(string Uid, ActionType Action, string Token), int> oneShots = [];
    private readonly Dictionary<(string Uid, ActionType Action, string Token), bool> oneShotAccepted = [];
    private readonly List<Request> requests = [];
    private readonly List<string> actors = [];

    private sealed record Request(DateTimeOffset At, string ServerId, ActionType? Action, ProviderOutcome Outcome, PowerState? Seen);

    /// <summary>One reconcile in flight: its replica, its key, and the object as its last status write stored it.</summary>
    private sealed class Reconcile(string replica, ObjectKey key)
    {
        public string Replica => replica;

        public ObjectKey Key => key;

        public ServerPowerResource? Written { get; set; }
    }

    public List<string> Violations { get; } = [];

    /// <summary>
    /// Actions of a replica that does not lead (its lease lost, frozen or draining; without terms, after a replica
    /// that first acted later had acted): not violations, counted to show the search reaches them.
    /// </summary>
    public int LateSends { get; private set; }

    /// <summary>Status writes of a replica that does not lead (an old leader's record or outcome).</summary>
    public int LateWrites { get; private set; }

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

    public void Enter(string replica, ObjectKey key)
    {
        Reconciling.Value = new Reconcile(replica, key);
        if (!inFlight.Add((replica, key))) Violations.Add($"{replica}: {key} is reconciled twice at once");
    }

    public void Leave(string replica, ObjectKey key) => inFlight.Remove((replica, key));

    /// <summary>A status write landed (<paramref name="stored"/>, as stored after it): the calling reconcile's record.</summary>
    public void StatusWritten(ServerPowerResource stored)
    {
        if (Reconciling.Value is not { } reconcile) return;
        reconcile.Written = stored;
        if (Late(reconcile.Replica)) LateWrites++;
        CheckOneShotRecords(reconcile, stored);
    }

    /// <summary>
    /// A one-shot record says what became of its own token: Done only if that token's request was accepted, Failed
    /// never if it was (Uncertain may say either; a token never sent may be Failed or Skipped for other reasons).
    /// </summary>
    private void CheckOneShotRecords(Reconcile reconcile, ServerPowerResource stored)
    {
        if (stored.Metadata.Uid is not { } uid) return;
        foreach (var (action, record) in new[] { (ActionType.Restart, stored.Status?.Restart), (ActionType.Rebuild, stored.Status?.Rebuild) })
        {
            if (record is null) continue;
            bool? accepted = oneShotAccepted.TryGetValue((uid, action, record.Token), out var a) ? a : null;
            var lie = record.Phase switch
            {
                OneShotPhase.Done when accepted != true => accepted is null ? "never sent" : "not accepted",
                OneShotPhase.Failed when accepted == true => "accepted",
                _ => null,
            };
            if (lie is not null)
                Violations.Add($"{reconcile.Replica}'s write of {reconcile.Key.Name}: {action} record says {record.Phase} for token \"{record.Token}\", whose request was {lie} (message \"{record.Message}\")");
        }
    }

    /// <summary>
    /// Whether a replica leads now (the handover scenario's terms); null: late means acting after a replica that first
    /// acted later.
    /// </summary>
    public Func<string, bool>? Leading { get; set; }

    /// <summary>Whether <paramref name="replica"/> acts while another leads (or, without terms, after a replica that first acted later).</summary>
    private bool Late(string replica)
    {
        if (Leading is { } leading) return !leading(replica);
        if (actors.Contains(replica)) return actors[^1] != replica;
        actors.Add(replica);
        return false;
    }

    public void Read(string serverId, ReadResult result) =>
        requests.Add(new Request(DateTimeOffset.MinValue, serverId, null, result.Outcome, result.Server?.Power));

    public void Sent(DateTimeOffset at, string serverId, ActionType action, ProviderOutcome outcome)
    {
        var request = new Request(at, serverId, action, outcome, null);
        var what = $"{action} to server {serverId} at {at:HH:mm:ss.fff}";
        if (Reconciling.Value is not { } reconcile)
        {
            Violations.Add($"{what} outside any reconcile");
            requests.Add(request);
            return;
        }
        if (Late(reconcile.Replica)) LateSends++;
        var by = $"by {reconcile.Replica}'s {reconcile.Key.Name}";
        var recorded = reconcile.Written;
        if (action is ActionType.Restart or ActionType.Rebuild) CheckOneShot($"{what} {by}", recorded, action, outcome.IsAccepted);
        if (action == ActionType.Kill && Unjustified(request) is { } why) Violations.Add($"{what} {by}: {why}");
        if (recorded is not null && Owner(recorded, serverId) is { } owner)
            Violations.Add($"{what} {by}, but {owner.Metadata.Name} declared that server first (one owner per server)");
        requests.Add(request);
    }

    private void CheckOneShot(string what, ServerPowerResource? recorded, ActionType action, bool accepted)
    {
        var record = action == ActionType.Restart ? recorded?.Status?.Restart : recorded?.Status?.Rebuild;
        if (recorded?.Metadata.Uid is not { } uid || record is not { Phase: OneShotPhase.Sending, Token: var token })
        {
            Violations.Add($"{what} without a Sending record of its token");
            return;
        }
        if (firstSight.GetValueOrDefault(uid)?.Contains((action, token)) == true)
            Violations.Add($"{what}: token \"{token}\" was on the object at first sight and must be adopted, not executed");
        var times = oneShots[(uid, action, token)] = oneShots.GetValueOrDefault((uid, action, token)) + 1;
        oneShotAccepted[(uid, action, token)] = accepted;
        if (times > 1) Violations.Add($"{what}: token \"{token}\" executed {times} times");
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
    /// An older object (ServerOwnership's order) that declared <paramref name="serverId"/> before this action's record
    /// (<paramref name="recorded"/>, the object as the reconcile's last status write stored it) was written; null when
    /// the recorded object owned the server then.
    /// </summary>
    private ServerPowerResource? Owner(ServerPowerResource recorded, string serverId)
    {
        var key = ObjectKey.From(recorded.Metadata);
        var at = long.Parse(recorded.Metadata.ResourceVersion!);
        return api.Objects.Values.Where(o => ObjectKey.From(o.Metadata) != key
                && CachedServerIdLookup.Normalize(o.Spec.ServerId) == CachedServerIdLookup.Normalize(serverId)
                && ServerOwnership.Order.Compare(o, recorded) < 0
                && api.DeclaredSince(ObjectKey.From(o.Metadata)) < at)
            .FirstOrDefault();
    }
}
