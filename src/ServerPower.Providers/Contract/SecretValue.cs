namespace ServerPower.Providers.Contract;

/// <summary>A secret string that never prints itself: ToString, logs and records show <c>[redacted]</c>.</summary>
public sealed class SecretValue(string value) : IEquatable<SecretValue>
{
    public string Reveal() => value;

    public override string ToString() => "[redacted]";

    public bool Equals(SecretValue? other) => other is not null && other.Reveal() == value;

    public override bool Equals(object? obj) => Equals(obj as SecretValue);

    public override int GetHashCode() => value.GetHashCode(StringComparison.Ordinal);
}
