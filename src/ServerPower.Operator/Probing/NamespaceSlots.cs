namespace ServerPower.Operator.Probing;

/// <summary>
/// A few slots per namespace (<see cref="ProberOptions.MaxPerNamespace"/>), taken before the prober's shared ones: a
/// namespace's waiting probes queue here, behind its own probes only, so the shared queue never holds more than this
/// many of any one namespace. A namespace's semaphore exists while some probe of it holds or waits for a slot.
/// A dispatch is the systematic tests' scheduler (see <see cref="Slots"/>).
/// </summary>
internal sealed class NamespaceSlots(int perNamespace, Action<Action>? dispatch = null)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (Slots Slots, int Users)> namespaces = new(StringComparer.Ordinal);

    /// <summary>Namespaces with a probe holding or waiting for one of their slots.</summary>
    public int Count
    {
        get { lock (gate) return namespaces.Count; }
    }

    /// <summary>Runs <paramref name="work"/> holding one of the namespace's slots; when cancelled while waiting, does not run it.</summary>
    public async Task RunAsync(string ns, Func<Task> work, CancellationToken cancellationToken)
    {
        var own = Enter(ns);
        try
        {
            try
            {
                // Stryker disable once Boolean : ConfigureAwait(true) is the same without a synchronization context (the operator has none)
                await own.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                // Stryker disable once Boolean : ConfigureAwait(true) is the same without a synchronization context (the operator has none)
                await work().ConfigureAwait(false);
            }
            finally
            {
                own.Release();
            }
        }
        finally
        {
            Leave(ns);
        }
    }

    private Slots Enter(string ns)
    {
        lock (gate)
        {
            var (own, users) = namespaces.TryGetValue(ns, out var found) ? found : (new Slots(perNamespace, dispatch), 0);
            namespaces[ns] = (own, users + 1);
            return own;
        }
    }

    private void Leave(string ns)
    {
        lock (gate)
        {
            var (own, users) = namespaces[ns];
            if (users > 1)
            {
                namespaces[ns] = (own, users - 1);
                return;
            }
            namespaces.Remove(ns);
            // Stryker disable once Statement : SemaphoreSlim.Dispose frees only a wait handle, which WaitAsync never creates
            own.Dispose();
        }
    }
}
