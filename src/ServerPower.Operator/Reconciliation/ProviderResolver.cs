using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Kubernetes;
using ServerPower.Operator.Ownership;
using ServerPower.Providers.Contract;
using ServerPower.Operator.Endpoints;

namespace ServerPower.Operator.Reconciliation;

/// <summary>
/// Resolves a PowerProvider (same namespace only) and its credentials Secret into a provider account.
/// Secrets are read with get (RBAC: get only) once per account and reused by all its servers; read again when the
/// PowerProvider changes, at the account's resync (the PowerProvider reconciler refreshes them), and at once after the
/// provider answered Unauthorized (<see cref="Forget"/>). A settled fleet therefore reads no Secret per server resync.
/// Credentials never leave this class except inside <see cref="SecretValue"/>.
/// </summary>
public sealed class ProviderResolver(IResourceClient client, IPowerProviderFactory factory, EndpointPolicy policy) : IProviderAccounts
{
    private sealed record Credentials(string? ResourceVersion, string Token, string? CaBundle);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), Credentials> credentials = new();

    /// <summary>The last usable resolution of each account, kept (bounded by <see cref="HeldFor"/>) for deletions.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), (ProviderResolution.Usable Usable, DateTimeOffset Seen)> held = new();

    /// <summary>How long the last usable account stays available to stop servers being deleted after it went away.</summary>
    public static readonly TimeSpan HeldFor = TimeSpan.FromHours(1);

    /// <summary>
    /// For a server being deleted with deletionPolicy Stop: when the PowerProvider or its Secret is gone (a namespace
    /// being deleted removes them in the same sweep), the account as last resolved (within <see cref="HeldFor"/>) is
    /// used, so the server can still be stopped. <c>HeldBecause</c> says why the held account was used, for an event.
    /// </summary>
    public async Task<(ProviderResolution Resolution, string? HeldBecause)> ResolveForDeletionAsync(string ns, string providerName,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var resolution = await ResolveAsync(ns, providerName, cancellationToken);
        if (resolution is ProviderResolution.Unusable unusable && unusable.Reason is Reasons.ProviderNotFound or Reasons.CredentialsMissing
            && held.TryGetValue((ns, providerName), out var last) && now - last.Seen < HeldFor)
            return (last.Usable with { Provider = factory.Get(last.Usable.Account) }, unusable.Message);
        return (resolution, null);
    }

    /// <summary>Remembers a usable account (called by the reconcilers with the time they resolved it).</summary>
    public void Hold(string ns, string providerName, ProviderResolution.Usable usable, DateTimeOffset now)
    {
        held[(ns, providerName)] = (usable, now);
        foreach (var (key, entry) in held)
        {
            if (now - entry.Seen >= HeldFor) held.TryRemove(key, out _);
        }
    }

    /// <summary>
    /// The next resolution of this account reads its Secrets again (after Unauthorized), and the account held for
    /// deletions is dropped: its credentials were refused.
    /// </summary>
    public void Forget(string ns, string providerName)
    {
        Forget(ns, providerName, deleted: false);
    }

    /// <summary>The PowerProvider is gone: everything held for its account is released (no per-account state outlives it).</summary>
    public void Release(string ns, string providerName) => Forget(ns, providerName, deleted: true);

    private void Forget(string ns, string providerName, bool deleted)
    {
        if (deleted) factory.Release($"{ns}/{providerName}");
        credentials.TryRemove((ns, providerName), out _);
        // Refused credentials are no use for stopping servers either (a live account is held again at its next usable
        // resolution). A deleted PowerProvider keeps its held account: that is what stops its servers being deleted.
        if (!deleted) held.TryRemove((ns, providerName), out _);
    }

    /// <summary>
    /// The account for ownership. A PowerProvider or Secret that is gone still names the account held for it: a server
    /// being deleted may be stopped with held credentials (<see cref="ResolveForDeletionAsync"/>), and an older
    /// ServerPower whose PowerProvider went in the same sweep must still own the server it declares (found by the
    /// simulation, seed 1290: a deleted object stopped a server an older one declared).
    /// </summary>
    public async Task<ProviderAccount?> AccountOfAsync(string ns, string providerName, CancellationToken cancellationToken) =>
        await ResolveAsync(ns, providerName, cancellationToken) switch
        {
            ProviderResolution.Usable usable => usable.Account,
            ProviderResolution.Unusable { Reason: Reasons.ProviderNotFound or Reasons.CredentialsMissing }
                when held.TryGetValue((ns, providerName), out var last) => last.Usable.Account,
            _ => null,
        };

    public async Task<ProviderResolution> ResolveAsync(string ns, string providerName, CancellationToken cancellationToken)
    {
        var resource = await client.GetProviderAsync(ns, providerName, cancellationToken);
        if (resource is null)
            return new ProviderResolution.Unusable(null, Reasons.ProviderNotFound, $"PowerProvider \"{providerName}\" not found in namespace \"{ns}\"");
        return await ResolveAsync(resource, cancellationToken);
    }

    public async Task<ProviderResolution> ResolveAsync(PowerProviderResource resource, CancellationToken cancellationToken) =>
        await ResolveAsync(resource, refreshCredentials: false, cancellationToken);

    public async Task<ProviderResolution> ResolveAsync(PowerProviderResource resource, bool refreshCredentials, CancellationToken cancellationToken)
    {
        var spec = resource.Spec;
        var ns = resource.Metadata.NamespaceProperty;
        var name = resource.Metadata.Name;
        ProviderResolution Unusable(string reason, string message) => new ProviderResolution.Unusable(resource, reason, $"PowerProvider \"{name}\": {message}");

        var endpointText = string.IsNullOrWhiteSpace(spec.Endpoint) ? PowerProviderSpec.DefaultEndpoint(spec.Type) : spec.Endpoint;
        if (endpointText is null) return Unusable(Reasons.InvalidSpec, $"spec.endpoint is required for type {spec.Type}");
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint))
            return Unusable(Reasons.InvalidSpec, $"spec.endpoint \"{EndpointPolicy.Redact(endpointText)}\" is not an absolute URL");
        if (endpoint.UserInfo.Length > 0 || endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0)
            return Unusable(Reasons.InvalidSpec, $"spec.endpoint: {policy.Check(endpoint)}");
        if (policy.Check(endpoint) is { } refused) return Unusable(Reasons.EndpointNotAllowed, refused);

        TimeSpan? reassert = null;
        if (spec.ReassertInterval is { } text)
        {
            if (!GoDuration.TryParse(text, out var interval)) return Unusable(Reasons.InvalidSpec, GoDuration.Invalid("spec.reassertInterval", text));
            if (interval <= TimeSpan.Zero) return Unusable(Reasons.InvalidSpec, $"spec.reassertInterval {UserText.Quote(text)} must be more than 0s");
            reassert = interval;
        }

        var cacheKey = (ns, name);
        if (refreshCredentials || !credentials.TryGetValue(cacheKey, out var held) || held.ResourceVersion != resource.Metadata.ResourceVersion)
        {
            credentials.TryRemove(cacheKey, out _);
            var secretRef = spec.CredentialsSecretRef;
            var credential = await client.GetSecretValueAsync(ns, secretRef.Name, secretRef.Key, cancellationToken);
            if (string.IsNullOrEmpty(credential))
                return Unusable(Reasons.CredentialsMissing, $"key \"{secretRef.Key}\" of Secret \"{secretRef.Name}\" not found or empty");
            credential = credential.Trim();
            if (credential.Length == 0)
                return Unusable(Reasons.CredentialsMissing, $"key \"{secretRef.Key}\" of Secret \"{secretRef.Name}\" holds only white space");
            if (credential.Any(char.IsControl))
                return Unusable(Reasons.CredentialsMissing, $"key \"{secretRef.Key}\" of Secret \"{secretRef.Name}\" contains control characters (a stray line break inside the token?); nothing is sent with it");

            string? caBundle = null;
            if (spec.CaBundleSecretRef is { } caRef)
            {
                caBundle = await client.GetSecretValueAsync(ns, caRef.Name, caRef.Key, cancellationToken);
                if (string.IsNullOrEmpty(caBundle))
                    return Unusable(Reasons.CredentialsMissing, $"CA bundle key \"{caRef.Key}\" of Secret \"{caRef.Name}\" not found or empty");
            }
            held = new Credentials(resource.Metadata.ResourceVersion, credential, caBundle);
            credentials[cacheKey] = held;
        }

        var account = new ProviderAccount($"{ns}/{name}", spec.Type, endpoint, new SecretValue(held.Token),
            spec.RateLimit, spec.MaxConcurrentActions, held.CaBundle);
        return new ProviderResolution.Usable(resource, account, factory.Get(account), reassert);
    }
}
