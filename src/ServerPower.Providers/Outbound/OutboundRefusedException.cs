namespace ServerPower.Providers.Outbound;

/// <summary>
/// A connection the <see cref="OutboundPolicy"/> refused before it was attempted. The message names the rule only
/// (never the address the name resolved to, nor anything the target would have answered).
/// </summary>
public sealed class OutboundRefusedException(string rule) : Exception(rule)
{
    /// <summary>The refusal inside <paramref name="exception"/> (HttpClient wraps what a connect callback throws), or null.</summary>
    public static OutboundRefusedException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OutboundRefusedException refused) return refused;
        }
        return null;
    }
}
