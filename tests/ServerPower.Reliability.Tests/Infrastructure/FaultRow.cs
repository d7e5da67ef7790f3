namespace ServerPower.Reliability.Tests.Infrastructure;

/// <summary>
/// One line of the fault table. <see cref="Recovery"/> is measured, never asserted; <see cref="Problems"/> lists
/// what broke a promise (a duplicate, a lost declared state, a wrong reason) and fails the suite.
/// </summary>
public sealed record FaultRow(string Fault, int Servers, int Expected, int Sent, int Duplicates, int Lost, string Recovery)
{
    public List<string> Problems { get; init; } = [];

    public string Markdown => $"| {Fault} | {Servers} | {Expected} | {Sent} | {Duplicates} | {Lost} | {Recovery} |";

    public static string Seconds(TimeSpan elapsed) => $"{elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s";
}
