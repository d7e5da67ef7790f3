namespace ServerPower.Operator.Probing;

/// <summary>How one probe went. <paramref name="TimedOut"/>: no answer within timeoutSeconds.</summary>
public sealed record ProbeAttempt(bool Success, string Message, TimeSpan Latency, bool TimedOut = false);
