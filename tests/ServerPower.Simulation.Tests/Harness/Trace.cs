namespace ServerPower.Simulation.Tests.Harness;

/// <summary>The last steps of a run (all of them when asked), each stamped with simulated time since the start.</summary>
internal sealed class Trace(bool keepAll)
{
    public const int Tail = 40;

    private readonly Queue<string> recent = new();
    private readonly List<string> all = [];

    public void Add(DateTimeOffset at, string text)
    {
        var line = $"{Stamp(at)} {text}";
        if (keepAll) all.Add(line);
        recent.Enqueue(line);
        if (recent.Count > Tail) recent.Dequeue();
    }

    public IReadOnlyList<string> All => keepAll ? all : recent.ToList();

    public static string Stamp(DateTimeOffset at)
    {
        var t = at - SimContext.Start;
        return $"+{(int)t.TotalMinutes:00}:{t.Seconds:00}.{t.Milliseconds:000}";
    }
}
