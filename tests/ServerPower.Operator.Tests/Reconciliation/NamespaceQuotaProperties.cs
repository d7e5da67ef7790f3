using CsCheck;
using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Operator.Reconciliation;
using ServerPower.Operator.Tests.Probing;
using ServerPower.Runtime;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// <see cref="NamespaceQuota"/> against a model: after any sequence of creations, relists, deletions (also of an object
/// it never saw) and re-creations under the same name that only a relist shows (a new creationTimestamp in an update,
/// the deletion missed while the watch was down) across two namespaces, the served ServerPowers of a namespace are its
/// <c>limit</c> oldest (creationTimestamp, then name), every other one is told how many its namespace holds, exactly the
/// objects whose standing another object's change altered are enqueued (the changed object's own event reconciles it),
/// and the quota holds only what it serves (nothing without a limit, no namespace left empty).
/// </summary>
public sealed class NamespaceQuotaProperties
{
    private static readonly DateTime T0 = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Namespaces = ["t1", "t2"];
    private static readonly string[] Names = ["a", "b", "c", "d", "e"];

    private enum OpKind { Delete, Recreate, Create, CreateOrRelist }

    /// <summary>Create (or relist, which sees the same creationTimestamp), delete, or re-create (seen by a relist) one object.</summary>
    private sealed record Op(OpKind Kind, string Ns, string Name, int Minute);

    private static readonly Gen<Op> AnyOp = Gen.Select(Gen.Enum<OpKind>(), Gen.OneOf(Namespaces), Gen.OneOf(Names), Gen.Int[0, 3],
        (kind, ns, name, minute) => new Op(kind, ns, name, minute));

    [Fact]
    public void The_oldest_are_served_and_exactly_those_whose_standing_changed_are_enqueued()
    {
        Gen.Select(Gen.Int[0, 3], AnyOp.Array[1, 30]).Sample((limit, ops) =>
        {
            var enqueued = new List<ObjectKey>();
            var quota = new NamespaceQuota(limit, new CallbackServerQueue(enqueued.Add));
            var model = new Dictionary<ObjectKey, int>();
            foreach (var op in ops)
            {
                var key = new ObjectKey(op.Ns, op.Name);
                var before = Standing(model, limit);
                enqueued.Clear();
                if (op.Kind == OpKind.Delete)
                {
                    quota.OnDelete(Server(key, model.Remove(key, out var minute) ? minute : op.Minute));
                }
                else if (op.Kind == OpKind.Recreate && model.TryGetValue(key, out var was) && was != op.Minute + 10)
                {
                    // Deleted and created again while the watch was down: the relist updates it with a later creationTimestamp.
                    model[key] = op.Minute + 10;
                    quota.OnUpdate(Server(key, was), Server(key, op.Minute + 10), relist: true);
                }
                else
                {
                    // creationTimestamp never changes while the object exists; a relist sees it again.
                    var existed = model.TryGetValue(key, out var known);
                    var minute = existed ? known : op.Minute;
                    model[key] = minute;
                    quota.OnAdd(Server(key, minute), relist: existed);
                }
                var after = Standing(model, limit);
                foreach (var (k, expected) in after)
                    Assert.True(expected == quota.Exceeded(k), $"limit {limit}, after {op}: {k} expected {expected?.ToString() ?? "served"}, got {quota.Exceeded(k)?.ToString() ?? "served"}");
                Assert.Equal(limit > 0 ? (model.Count, model.Keys.Select(k => k.Namespace).Distinct().Count()) : (0, 0), quota.Tracked);
                var changed = after.Keys.Where(k => k != key && before.TryGetValue(k, out var was) && (was is null) != (after[k] is null)).OrderBy(k => k.ToString()).ToList();
                Assert.True(changed.SequenceEqual(enqueued.OrderBy(k => k.ToString())), $"limit {limit}, after {op}: standing changed for [{string.Join(", ", changed)}], enqueued [{string.Join(", ", enqueued)}]");
            }
        }, iter: Iterations());
    }

    /// <summary>
    /// Found by the property once it re-created objects (CsCheck seed 0hDKDo2u5wO1, 2026-12-06): an object deleted and
    /// created again while the watch was down moved to the end of its namespace's order, but the one it let in was not
    /// enqueued, so it kept saying NamespaceLimitExceeded until its resync.
    /// </summary>
    [Fact]
    public void An_object_recreated_behind_a_relist_lets_the_next_one_in_at_once()
    {
        var enqueued = new List<ObjectKey>();
        var quota = new NamespaceQuota(3, new CallbackServerQueue(enqueued.Add));
        foreach (var (name, minute) in new[] { ("b", 0), ("a", 1), ("d", 2), ("c", 3) }) quota.OnAdd(Server(new("t1", name), minute), relist: false);
        Assert.Equal(4, quota.Exceeded(new("t1", "c")));
        enqueued.Clear();

        quota.OnUpdate(Server(new("t1", "b"), 0), Server(new("t1", "b"), 11), relist: true);

        Assert.Equal([new ObjectKey("t1", "c")], enqueued);
        Assert.Null(quota.Exceeded(new("t1", "c")));
        Assert.Equal(4, quota.Exceeded(new("t1", "b")));
    }

    /// <summary>The model: per key, null when served, else how many its namespace holds.</summary>
    private static Dictionary<ObjectKey, int?> Standing(Dictionary<ObjectKey, int> model, int limit) =>
        model.GroupBy(p => p.Key.Namespace).SelectMany(g =>
        {
            var ordered = g.OrderBy(p => p.Value).ThenBy(p => p.Key.Name, StringComparer.Ordinal).ToList();
            return ordered.Select((p, rank) => (p.Key, limit > 0 && rank >= limit ? ordered.Count : (int?)null));
        }).ToDictionary(p => p.Key, p => p.Item2);

    private static ServerPowerResource Server(ObjectKey key, int minute) => new()
    {
        Metadata = new V1ObjectMeta { Name = key.Name, NamespaceProperty = key.Namespace, CreationTimestamp = T0.AddMinutes(minute), Generation = 1 },
        Spec = new ServerPowerSpec { ProviderRef = new LocalObjectReference { Name = "main" }, ServerId = "1", State = DesiredPowerState.Running },
    };

    private static long Iterations() =>
        long.TryParse(Environment.GetEnvironmentVariable("PROPERTY_ITERATIONS"), out var n) ? n : 2_000;
}
