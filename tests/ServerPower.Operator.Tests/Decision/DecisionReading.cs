using ServerPower.Operator.Decision;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// A decision read as the tables assert on it: the action it sends, when it comes back, whether it backs off, whether
/// it lets the object go. Each is one case of <see cref="ServerPower.Operator.Decision.Decision"/>.
/// </summary>
public static class DecisionReading
{
    extension(ServerPower.Operator.Decision.Decision decision)
    {
        public PlannedAction? Action => (decision as ServerPower.Operator.Decision.Decision.Send)?.Action;
        public TimeSpan? RequeueAfter => (decision as ServerPower.Operator.Decision.Decision.Wait)?.After;
        public bool Failed => decision is ServerPower.Operator.Decision.Decision.Retry;
        public bool ReleaseFinalizer => decision is ServerPower.Operator.Decision.Decision.Release;
        public ServerPower.Operator.Decision.Decision.Send Sent =>
            decision as ServerPower.Operator.Decision.Decision.Send ?? throw new Xunit.Sdk.XunitException($"expected an action to be sent, decided {decision}");
    }
}
