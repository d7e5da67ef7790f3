using ServerPower.Api.Resources;

namespace ServerPower.Providers.Http;

/// <summary>One HTTP request to a provider.</summary>
/// <param name="Account">The PowerProvider's "namespace/name" (<see cref="Contract.ProviderAccount.Key"/>).</param>
/// <param name="Operation">See <see cref="ProviderOperations"/>.</param>
/// <param name="StatusCode">Null: no answer (connection failed or dropped, timed out, cancelled).</param>
/// <param name="Duration">Until the answer's headers arrived, or the failure.</param>
public sealed record ProviderRequestRecord(ProviderType Provider, string Account, string Operation, HttpMethod Method, int? StatusCode, TimeSpan Duration)
{
    /// <summary><c>2xx</c>, <c>3xx</c>, <c>4xx</c>, <c>5xx</c> (or <c>1xx</c>), or <c>error</c> without an answer.</summary>
    public string StatusClass => StatusCode is { } code ? $"{code / 100}xx" : "error";
}
