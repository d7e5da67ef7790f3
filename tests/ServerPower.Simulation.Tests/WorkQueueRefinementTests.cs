using System.Text;
using ServerPower.Runtime;
using ServerPower.Simulation.Tests.Harness;

namespace ServerPower.Simulation.Tests;

/// <summary>
/// The simulation runs the real reconcilers on a model of the work queue (<see cref="WorkQueueModel"/>), because the
/// real <see cref="WorkQueue"/> hands keys to threads. Its conclusions hold for the real queue only if every behaviour
/// of the real queue is one the model allows. This property checks exactly that, on random operation sequences with a
/// few colliding keys: after every step the queued, held and timed keys agree, and every key the real queue hands out
/// (to a caller or to a worker already waiting) is one the model may hand out at that point.
/// </summary>
public sealed class WorkQueueRefinementTests
{
    private static readonly ObjectKey[] Keys = [new("a", "one"), new("a", "two"), new("b", "one"), new("b", "three")];

    private static int Seeds =>
        int.TryParse(Environment.GetEnvironmentVariable("PROPERTY_ITERATIONS"), out var n) ? Math.Max(200, n / 5) : 400;

    [Fact]
    public void Every_step_of_the_real_queue_is_a_step_the_model_allows()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var failure = Run(seed, steps: 300);
            Assert.True(failure is null, failure);
        }
    }

    [Fact]
    public void The_check_finds_a_model_that_loses_the_end_of_a_reconcile()
    {
        // The property must be able to fail: a model that misses Done for a key re-added while it was held diverges.
        var failures = Enumerable.Range(0, 50).Select(seed => Run(seed, steps: 300, breakModel: true)).Count(f => f is not null);
        Assert.True(failures > 0);
    }

    private static string? Run(int seed, int steps, bool breakModel = false)
    {
        var rng = new Random(seed);
        var sim = new SimContext(seed, keepFullTrace: false);
        // A small burst so the overall token bucket takes part, as it does in a failure storm.
        var options = new WorkQueueOptions { BaseDelay = TimeSpan.FromSeconds(1), Burst = 5, QueriesPerSecond = 2 };
        using var real = new WorkQueue("refinement", options, sim.Clock);
        var model = new WorkQueueModel(sim, options);
        var trace = new StringBuilder();
        Task<ObjectKey?>? waitingWorker = null;

        for (var step = 0; step < steps; step++)
        {
            var key = Keys[rng.Next(Keys.Length)];
            var op = rng.Next(100);
            string what;
            if (op < 20) { what = $"Add {key}"; real.Add(key); model.Add(key, "watch"); }
            else if (op < 30) { what = $"AddBackground {key}"; real.AddBackground(key); model.Add(key, "resync"); }
            else if (op < 42)
            {
                var delay = TimeSpan.FromMilliseconds(rng.Next(-100, 5000));
                what = $"AddAfter {key} {delay.TotalMilliseconds}ms";
                real.AddAfter(key, delay);
                ((IRequeueTarget)model).AddAfter(key, delay);
            }
            else if (op < 50) { what = $"AddRateLimited {key}"; real.AddRateLimited(key); model.AddRateLimited(key); }
            else if (op < 55) { what = $"Forget {key}"; real.Forget(key); model.Forget(key); }
            else if (op < 70)
            {
                var held = model.Processing.ToList();
                if (held.Count == 0) continue;
                var done = held[rng.Next(held.Count)];
                what = $"Done {done}";
                real.Done(done);
                if (!(breakModel && model.Dirty.Contains(done))) model.Done(done);
            }
            else if (op < 85)
            {
                if (waitingWorker is not null) continue;
                var task = real.GetAsync(CancellationToken.None);
                what = "Get";
                if (task.IsCompleted)
                {
                    var got = task.Result!.Value;
                    what += $" -> {got}";
                    if (!model.TryTake(got, out _, out _)) return Fail(seed, trace, what, "the real queue handed out a key the model does not hold ready");
                }
                else
                {
                    if (model.Dirty.Except(model.Processing).Any()) return Fail(seed, trace, what, "the real queue had nothing while the model had a ready key");
                    waitingWorker = task;
                    what += " -> worker waits";
                }
            }
            else
            {
                var by = TimeSpan.FromMilliseconds(rng.Next(0, 3000));
                what = $"Advance {by.TotalMilliseconds}ms";
                sim.Clock.Advance(by);
                while (sim.Agenda.TryPeek(out var when) && when <= sim.Now) sim.Agenda.Dequeue().Action();
            }
            trace.AppendLine(what);

            // A worker waits while the model holds a key ready: the real queue must have handed it one (its task
            // completes on the thread pool, so wait for it; a real queue that kept the key would time out here).
            if (waitingWorker is not null && model.Dirty.Except(model.Processing).Any())
            {
                if (!waitingWorker.Wait(TimeSpan.FromSeconds(30))) return Fail(seed, trace, what, "a worker kept waiting while a key was ready");
                var got = waitingWorker.Result!.Value;
                waitingWorker = null;
                trace.AppendLine($"  waiting worker got {got}");
                if (!model.TryTake(got, out _, out _)) return Fail(seed, trace, what, "the real queue gave a waiting worker a key the model does not hold ready");
            }
            if (Compare(real, model) is { } difference) return Fail(seed, trace, what, difference);
        }
        return null;
    }

    private static string? Compare(WorkQueue real, WorkQueueModel model)
    {
        var (dirty, processing, waiting) = real.Snapshot();
        if (!dirty.SetEquals(model.Dirty)) return $"queued keys differ: real [{string.Join(", ", dirty)}], model [{string.Join(", ", model.Dirty)}]";
        if (!processing.SetEquals(model.Processing)) return $"held keys differ: real [{string.Join(", ", processing)}], model [{string.Join(", ", model.Processing)}]";
        if (waiting.Count != model.Waiting.Count || waiting.Any(w => !model.Waiting.TryGetValue(w.Key, out var due) || due != w.Value))
            return $"timed adds differ: real [{string.Join(", ", waiting)}], model [{string.Join(", ", model.Waiting)}]";
        return null;
    }

    private static string Fail(int seed, StringBuilder trace, string step, string why) =>
        $"seed {seed}: after '{step}': {why}\n{trace}";
}
