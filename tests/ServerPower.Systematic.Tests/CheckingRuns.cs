using ServerPower.Operator.Probing;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// The owner of a <see cref="KeyedSchedule{T}"/> as the prober and the auto-stop monitor are, checking the schedule
/// while it runs: it puts and removes entries (keeping a model of each key's current entry and when it is due), and
/// its runs are quick or slow (up to 5 s) as the seed picks, then hand their result back through
/// <see cref="KeyedSchedule{T}.Finished"/>. Checked at every run: an entry never runs twice at once; never more than
/// maxConcurrency runs, nor maxPerNamespace of one namespace; a result is applied exactly when its entry is still the
/// key's current one (a stale result is discarded); no run before its entry is due. <see cref="LostWakeUps"/> checks
/// that every current entry due by now has run. Counted in <see cref="SharedLedger"/>: a key run twice at once (a
/// replaced entry's stale run still in flight while the new entry runs, which the schedule allows).
/// </summary>
internal sealed class CheckingRuns(DeterministicScheduler scheduler, TimeProvider time, SharedLedger shared, int maxConcurrency,
    int maxPerNamespace)
{
    private readonly object gate = new();
    private readonly Dictionary<ObjectKey, KeyedSchedule<Period>.Entry> current = [];
    private readonly Dictionary<ObjectKey, DateTimeOffset> dueAt = [];
    private readonly Dictionary<ObjectKey, DateTimeOffset> lastStart = [];
    private readonly HashSet<KeyedSchedule<Period>.Entry> inFlight = [];
    private readonly Dictionary<string, int> perNamespace = [];
    private int running;

    public KeyedSchedule<Period> Schedule { get; set; } = null!;

    public List<string> Violations { get; } = [];

    public int Runs { get; private set; }

    /// <summary>Once set, every run is quick.</summary>
    public bool Calm { get; set; }

    public int Running
    {
        get { lock (gate) return running; }
    }

    /// <summary>A new entry for <paramref name="key"/>, due now, run every <paramref name="every"/>.</summary>
    public void Put(ObjectKey key, TimeSpan every)
    {
        lock (Schedule.Gate)
        {
            var entry = Schedule.Put(key, new Period(every));
            lock (gate)
            {
                current[key] = entry;
                dueAt[key] = time.GetUtcNow();
                lastStart.Remove(key);
            }
        }
        Schedule.Wake();
    }

    public void Remove(ObjectKey key)
    {
        lock (Schedule.Gate)
        {
            Schedule.Remove(key);
            lock (gate) current.Remove(key);
        }
    }

    /// <summary>Current entries due by now that have not run since (with nothing left to run but time: a lost wake-up).</summary>
    public IEnumerable<string> LostWakeUps()
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            foreach (var (key, entry) in current)
            {
                if (dueAt[key] > now || lastStart.TryGetValue(key, out var started) && started >= dueAt[key]) continue;
                yield return $"lost wake-up: {key} (epoch {entry.Epoch}) was due at {dueAt[key]:HH:mm:ss.fff} and has not run by {now:HH:mm:ss.fff}";
            }
        }
    }

    public async Task RunAsync(ObjectKey key, KeyedSchedule<Period>.Entry entry, CancellationToken cancellationToken)
    {
        scheduler.CheckThread("a scheduled run");
        var startedAt = time.GetUtcNow();
        Enter(key, entry, startedAt);
        shared.Enter(key);
        try
        {
            await scheduler.Yield();
            if (!Calm && scheduler.Choices.Next(2) == 0)
                await scheduler.DelayAsync(time, TimeSpan.FromMilliseconds(scheduler.Choices.Next(5000)), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // shutdown
        }
        finally
        {
            shared.Leave(key);
            Leave(key, entry);
            scheduler.CheckThread("the end of a scheduled run");
        }
        lock (Schedule.Gate)
        {
            var applied = Schedule.Finished(key, entry, startedAt + entry.Value.Every);
            lock (gate)
            {
                var isCurrent = current.TryGetValue(key, out var latest) && latest == entry;
                if (applied && !isCurrent) Violations.Add($"the result of a stale run of {key} (epoch {entry.Epoch}) was applied");
                if (!applied && isCurrent) Violations.Add($"the result of {key}'s current run (epoch {entry.Epoch}) was discarded");
                if (applied)
                {
                    var next = startedAt + entry.Value.Every;
                    var now = time.GetUtcNow();
                    dueAt[key] = next > now ? next : now;
                }
            }
        }
        Schedule.Wake();
    }

    private void Enter(ObjectKey key, KeyedSchedule<Period>.Entry entry, DateTimeOffset now)
    {
        lock (gate)
        {
            Runs++;
            if (!inFlight.Add(entry)) Violations.Add($"{key} (epoch {entry.Epoch}) runs twice at once");
            if (++running > maxConcurrency) Violations.Add($"{running} runs at once (maxConcurrency {maxConcurrency})");
            var inNamespace = perNamespace[key.Namespace] = perNamespace.GetValueOrDefault(key.Namespace) + 1;
            if (inNamespace > maxPerNamespace)
                Violations.Add($"{inNamespace} runs at once in namespace {key.Namespace} (maxPerNamespace {maxPerNamespace})");
            if (!current.TryGetValue(key, out var latest) || latest != entry) return;
            if (now < dueAt[key]) Violations.Add($"{key} ran at {now:HH:mm:ss.fff}, before it was due ({dueAt[key]:HH:mm:ss.fff})");
            lastStart[key] = now;
        }
    }

    private void Leave(ObjectKey key, KeyedSchedule<Period>.Entry entry)
    {
        lock (gate)
        {
            inFlight.Remove(entry);
            running--;
            perNamespace[key.Namespace]--;
        }
    }
}

/// <summary>What a scheduled entry holds in the scenario: how often it runs.</summary>
internal sealed record Period(TimeSpan Every);
