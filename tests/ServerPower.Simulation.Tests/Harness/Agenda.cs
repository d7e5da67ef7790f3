namespace ServerPower.Simulation.Tests.Harness;

/// <summary>Timed events in (time, insertion order): the only source of "what happens next" in a run.</summary>
internal sealed class Agenda
{
    private readonly PriorityQueue<Entry, (DateTimeOffset When, long Order)> entries = new();
    private long order;

    public void At(DateTimeOffset when, Action action) => entries.Enqueue(new Entry(when, action), (when, ++order));

    public bool TryPeek(out DateTimeOffset when)
    {
        var found = entries.TryPeek(out var entry, out _);
        when = found ? entry!.When : default;
        return found;
    }

    public Entry Dequeue() => entries.Dequeue();

    public sealed record Entry(DateTimeOffset When, Action Action);
}
