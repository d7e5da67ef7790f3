using System.Text;

namespace ServerPower.Reliability.Tests.Infrastructure;

/// <summary>
/// Looks for secrets in text: each in plain text and in base64, at each of the three byte alignments it can have
/// inside a longer base64 string (the characters that depend on its neighbours are left out of the pattern).
/// </summary>
public static class SecretScan
{
    public static IEnumerable<string> Find(string evidence, IEnumerable<string> secrets)
    {
        foreach (var secret in secrets.Distinct())
        {
            if (evidence.Contains(secret, StringComparison.Ordinal)) yield return $"'{secret[..6]}…' in plain text";
            foreach (var pattern in Base64Patterns(secret))
            {
                if (evidence.Contains(pattern, StringComparison.Ordinal))
                {
                    yield return $"'{secret[..6]}…' in base64";
                    break;
                }
            }
        }
    }

    public static IEnumerable<string> Base64Patterns(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        for (var offset = 0; offset < 3; offset++)
        {
            var encoded = Convert.ToBase64String(new byte[offset].Concat(bytes).ToArray());
            var skip = offset == 0 ? 0 : offset + 1;
            var stable = encoded[skip..(encoded.Length - 4)];
            if (stable.Length >= 12) yield return stable;
        }
    }
}
