namespace ServerPower.Runtime;

/// <summary>
/// Orders resourceVersions of one resource type, as Kubernetes 1.35 guarantees clients may (KEP-5504, "Comparable
/// Resource Version", stable in 1.35: a resourceVersion is a decimal integer without leading zeros that grows with
/// every write; client-go's <c>CompareResourceVersion</c>). Written here because it is one comparison of two numbers
/// and KubernetesClient has no such helper.
/// </summary>
public static class ResourceVersions
{
    /// <summary>Whether <paramref name="seen"/> is at or after <paramref name="wanted"/>; null when either is not a resourceVersion a client may compare.</summary>
    public static bool? AtLeast(string? seen, string wanted) =>
        ulong.TryParse(seen, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var a)
        && ulong.TryParse(wanted, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var b)
            ? a >= b
            : null;
}
