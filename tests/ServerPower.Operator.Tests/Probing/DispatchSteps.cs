namespace ServerPower.Operator.Tests.Probing;

/// <summary>
/// A dispatch for the schedule's systematic-test mode, run by the test itself: each dispatched step waits in order until
/// <see cref="RunAll"/> runs it on the test's thread. A bound on the steps stops a schedule that never settles.
/// </summary>
internal sealed class DispatchSteps
{
    private readonly Queue<Action> steps = new();

    public void Dispatch(Action step)
    {
        lock (steps) steps.Enqueue(step);
    }

    public void RunAll()
    {
        for (var ran = 0; ; ran++)
        {
            Action step;
            lock (steps)
            {
                if (!steps.TryDequeue(out step!)) return;
            }
            Assert.True(ran < 1000, "the steps never settle");
            step();
        }
    }
}
