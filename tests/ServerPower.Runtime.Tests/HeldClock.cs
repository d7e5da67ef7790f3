namespace ServerPower.Runtime.Tests;

/// <summary>
/// A clock whose timers never fire by themselves: each records how it was last armed and whether it was disposed, so a
/// test sees what the code under test asked of them. <see cref="Tick"/> is added to the time at every read (a clock
/// that moves while the code runs, as the real one does).
/// </summary>
internal sealed class HeldClock : TimeProvider
{
    private DateTimeOffset now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public TimeSpan Tick { get; init; }

    public List<HeldTimer> Timers { get; } = [];

    public override DateTimeOffset GetUtcNow()
    {
        var read = now;
        now += Tick;
        return read;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new HeldTimer(() => callback(state), dueTime);
        Timers.Add(timer);
        return timer;
    }

    internal sealed class HeldTimer(Action fire, TimeSpan due) : ITimer
    {
        public TimeSpan Due { get; private set; } = due;

        public bool Disposed { get; private set; }

        /// <summary>Runs the callback now, as the timer would at its due time.</summary>
        public void Fire() => fire();

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, Timeout.InfiniteTimeSpan);
            Due = dueTime;
            return true;
        }

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
