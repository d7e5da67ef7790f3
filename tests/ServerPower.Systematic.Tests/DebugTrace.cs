namespace ServerPower.Systematic.Tests;

internal static class DebugTrace
{
    public static readonly bool On = Environment.GetEnvironmentVariable("SYSREAL_TRACE") == "1";
    public static void Log(string line)
    {
        if (On) System.IO.File.AppendAllText("/tmp/sysreal-trace.txt", line + "\n");
    }
}
