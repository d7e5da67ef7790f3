using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ServerPower.Providers.Http;

/// <summary>
/// Names the IHttpClientFactory clients: one with system trust, one per distinct CA bundle, each with a twin
/// (suffix <see cref="OnceSuffix"/>) whose connections are never reused, for requests sent at most once. The
/// bundle for a name is registered here before the first client of that name is created, and read by
/// <see cref="ProviderHttpClientConfigurator"/>.
/// </summary>
internal sealed class ProviderHttpClients
{
    public const string Prefix = "serverpower-provider";

    public const string OnceSuffix = "-once";

    public static string OnceName(string name) => name + OnceSuffix;

    public static bool IsOnce(string name) => name.EndsWith(OnceSuffix, StringComparison.Ordinal);

    private readonly ConcurrentDictionary<string, string> bundles = new(StringComparer.Ordinal);

    public string NameFor(string? caBundlePem)
    {
        if (string.IsNullOrWhiteSpace(caBundlePem))
        {
            return Prefix;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(caBundlePem)))[..16];
        var name = $"{Prefix}-ca-{hash}";
        bundles.TryAdd(name, caBundlePem);
        return name;
    }

    public string? BundleFor(string name) => bundles.GetValueOrDefault(IsOnce(name) ? name[..^OnceSuffix.Length] : name);
}
