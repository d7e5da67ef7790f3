using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerPower.Api.Serialization;

/// <summary>metav1.Time: RFC 3339 in UTC with second precision, e.g. <c>2026-11-22T10:00:00Z</c>.</summary>
public sealed class KubeTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("time is null");
        return TryParse(text, out var value) ? value : throw new JsonException($"time {UserText.Quote(text)} is not RFC 3339");
    }

    /// <summary>RFC 3339 (lowercase t and z too, see <see cref="Rfc3339"/>), else what DateTimeOffset reads, as UTC.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value) =>
        Rfc3339.TryParse(text, out value)
        || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    public static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The precision the API stores (whole seconds, as Kubernetes writes its own times).</summary>
    public static readonly TimeSpan Precision = TimeSpan.FromSeconds(1);

    /// <summary>Truncates to <see cref="Precision"/>, so values compare equal after a round trip.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % Precision.Ticks, TimeSpan.Zero);
}
