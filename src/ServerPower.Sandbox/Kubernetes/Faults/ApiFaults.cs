namespace ServerPower.Sandbox.Kubernetes.Faults;

/// <summary>
/// Scripted faults of the emulated API server, by verb, resource/subresource, namespace and name: rules apply in the
/// order added, the first that strikes wins, and a rule is removed when its count is used up (or when its handle is
/// disposed). A request is checked after authentication and authorization, so a denied request is denied as usual.
/// </summary>
public sealed class ApiFaults
{
    private readonly Lock gate = new();
    private readonly List<ApiFaultHandle> rules = [];

    public ApiFaultHandle Add(ApiFaultRule rule)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rule.Skip);
        ArgumentOutOfRangeException.ThrowIfNegative(rule.AfterEvents);
        if (rule.Times is { } times) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        var handle = new ApiFaultHandle(this, rule);
        lock (gate) rules.Add(handle);
        return handle;
    }

    /// <summary>429 with Retry-After (API priority and fairness' answer, or a TooManyRequests Status).</summary>
    public ApiFaultHandle TooManyRequests(string verb, string resource, int retryAfterSeconds = 1, int? times = 1, bool statusBody = false) =>
        Add(new ApiFaultRule(ApiFaultKind.TooManyRequests, verb, resource) { RetryAfterSeconds = retryAfterSeconds, Times = times, StatusBody = statusBody });

    public ApiFaultHandle InternalError(string verb, string resource, int? times = 1) =>
        Add(new ApiFaultRule(ApiFaultKind.InternalError, verb, resource) { Times = times });

    /// <summary>409 Conflict before anything is done (e.g. on every status write for a while: <paramref name="times"/> null).</summary>
    public ApiFaultHandle Conflict(string verb, string resource, int? times = 1) =>
        Add(new ApiFaultRule(ApiFaultKind.Conflict, verb, resource) { Times = times });

    /// <summary>The write is stored and its event emitted, but the client gets 504 Timeout.</summary>
    public ApiFaultHandle TimeoutAfterCommit(string verb, string resource, int? times = 1) =>
        Add(new ApiFaultRule(ApiFaultKind.TimeoutAfterCommit, verb, resource) { Times = times });

    /// <summary>The connection is aborted before (or, with <paramref name="afterCommit"/>, after) the request is processed.</summary>
    public ApiFaultHandle DropConnection(string verb, string resource, bool afterCommit = false, int? times = 1) =>
        Add(new ApiFaultRule(afterCommit ? ApiFaultKind.DropConnectionAfterCommit : ApiFaultKind.DropConnection, verb, resource) { Times = times });

    /// <summary>The request is never answered; it ends when the client closes it.</summary>
    public ApiFaultHandle Hang(string verb, string resource, int? times = 1) =>
        Add(new ApiFaultRule(ApiFaultKind.Hang, verb, resource) { Times = times });

    /// <summary>Watches of the resource are aborted after <paramref name="afterEvents"/> events.</summary>
    public ApiFaultHandle AbortWatch(string resource, int afterEvents, int? times = 1) =>
        Add(new ApiFaultRule(ApiFaultKind.AbortWatch, "watch", resource) { AfterEvents = afterEvents, Times = times });

    public void Clear()
    {
        lock (gate) rules.Clear();
    }

    internal bool Contains(ApiFaultHandle handle)
    {
        lock (gate) return rules.Contains(handle);
    }

    internal void Remove(ApiFaultHandle handle)
    {
        lock (gate) rules.Remove(handle);
    }

    /// <summary>The fault for this request, if a rule strikes; counts it against the rule.</summary>
    internal ApiFaultRule? Take(string verb, string resource, string subresource, string ns, string name)
    {
        lock (gate)
        {
            foreach (var handle in rules)
            {
                if (!handle.Rule.Matches(verb, resource, subresource, ns, name) || !handle.Strike()) continue;
                if (handle.UsedUp) rules.Remove(handle);
                return handle.Rule;
            }
            return null;
        }
    }
}
