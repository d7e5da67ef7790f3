namespace ServerPower.Operator.Probing;

/// <summary>
/// How one probe went. <paramref name="TimedOut"/>: no answer within timeoutSeconds. <paramref name="Refused"/>: the
/// operator's outbound policy refused every address the target resolved to, so nothing connected (the rule, in words).
/// </summary>
public sealed record ProbeAttempt(bool Success, string Message, TimeSpan Latency, bool TimedOut = false, string? Refused = null);
