namespace ServerPower.Reliability.Tests.Infrastructure;

/// <summary>Everything a world's secrets could have leaked into, and how much of each there was.</summary>
public sealed record Evidence(string Text, int LogLines, int MetricsScrapes, int Events, int Statuses);
