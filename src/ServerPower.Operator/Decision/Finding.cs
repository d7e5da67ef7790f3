namespace ServerPower.Operator.Decision;

/// <summary>What a rule found about a condition (<see cref="ConditionFindings"/>): its status, reason and message.</summary>
internal sealed record Finding(bool Status, string Reason, string Message);
