namespace ServerPower.Providers.Http;

/// <summary>
/// Sees every HTTP request a provider sends, once it answered or failed (register any number in the container). A
/// single read served from a shared batch listing, or a call refused before sending (429 wait, rate limit, circuit
/// open), sends no request and is not seen. Must not block.
/// </summary>
public interface IProviderRequestObserver
{
    void Completed(ProviderRequestRecord request);
}
