namespace ServerPower.Providers.Resilience;

/// <summary>Replaces a secret in any text that leaves the adapter (outcome messages, log lines).</summary>
internal sealed class SecretRedactor(IEnumerable<string?> secrets)
{
    private readonly string[] secrets = secrets.Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToArray();

    public string Redact(string text)
    {
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, "[redacted]", StringComparison.Ordinal);
        }

        return text;
    }
}
