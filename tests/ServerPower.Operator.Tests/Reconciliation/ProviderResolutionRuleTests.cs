using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Reconciliation;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>Resolving a ServerPower's PowerProvider into an account: what a missing or unusable one reports, the defaults, and the account held for a deletion.</summary>
public sealed class ProviderResolutionRuleTests
{
    public static TheoryData<string, string, string> UnusableSpecs => new()
    {
        { "no-endpoint", Reasons.InvalidSpec, "spec.endpoint" },
        { "relative-endpoint", Reasons.InvalidSpec, "spec.endpoint" },
        { "zero-reassert", Reasons.InvalidSpec, "spec.reassertInterval" },
        { "unparsable-reassert", Reasons.InvalidSpec, "spec.reassertInterval" },
        { "huge-reassert", Reasons.InvalidSpec, "spec.reassertInterval \"999999999h\"" },
        { "no-credentials", Reasons.CredentialsMissing, "Secret \"token\"" },
        { "no-ca-bundle", Reasons.CredentialsMissing, "CA bundle" },
    };

    [Fact]
    public async Task A_missing_PowerProvider_is_named_with_its_namespace()
    {
        var (resolver, _, _) = Resolver();
        var unusable = Assert.IsType<ProviderResolution.Unusable>(await resolver.ResolveAsync(Ns, "nope", CancellationToken.None));
        Assert.Equal(Reasons.ProviderNotFound, unusable.Reason);
        Assert.Contains("\"nope\"", unusable.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{Ns}\"", unusable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_without_an_endpoint_uses_its_types_default_and_its_account_is_keyed_by_namespace_and_name()
    {
        var (resolver, _, factory) = Resolver();
        var usable = Assert.IsType<ProviderResolution.Usable>(await resolver.ResolveAsync(Provider(s => s with { Endpoint = null }), CancellationToken.None));
        Assert.Equal(new Uri("https://console.wenium.com/api"), usable.Account.Endpoint);
        Assert.Equal($"{Ns}/acct", Assert.Single(factory.Accounts).Key);
    }

    [Theory, MemberData(nameof(UnusableSpecs))]
    public async Task An_unusable_PowerProvider_names_itself_and_what_to_fix(string fault, string reason, string names)
    {
        var (resolver, _, factory) = Resolver(credentials: fault != "no-credentials");
        var resource = Provider(s => fault switch
        {
            "no-endpoint" => s with { Type = ProviderType.Wings, Endpoint = null },
            "relative-endpoint" => s with { Endpoint = "provider.example.com/api" },
            "zero-reassert" => s with { ReassertInterval = "0s" },
            "unparsable-reassert" => s with { ReassertInterval = "soon" },
            "huge-reassert" => s with { ReassertInterval = "999999999h" },
            "no-ca-bundle" => s with { CaBundleSecretRef = new SecretKeyReference { Name = "ca", Key = "ca.crt" } },
            _ => s,
        });
        var unusable = Assert.IsType<ProviderResolution.Unusable>(await resolver.ResolveAsync(resource, CancellationToken.None));
        Assert.Equal(reason, unusable.Reason);
        Assert.Contains("PowerProvider \"acct\"", unusable.Message, StringComparison.Ordinal);
        Assert.Contains(names, unusable.Message, StringComparison.Ordinal);
        Assert.Empty(factory.Accounts);
    }

    [Fact]
    public async Task A_reassert_interval_and_a_CA_bundle_reach_the_account()
    {
        var (resolver, kube, _) = Resolver();
        kube.PutSecret(Ns, "ca", "ca.crt", "-----BEGIN CERTIFICATE-----");
        var resource = Provider(s => s with { ReassertInterval = "30m", CaBundleSecretRef = new SecretKeyReference { Name = "ca", Key = "ca.crt" } });
        var usable = Assert.IsType<ProviderResolution.Usable>(await resolver.ResolveAsync(resource, CancellationToken.None));
        Assert.Equal(TimeSpan.FromMinutes(30), usable.ReassertInterval);
        Assert.Equal("-----BEGIN CERTIFICATE-----", usable.Account.CaBundlePem);
    }

    [Fact]
    public async Task A_deleted_PowerProvider_keeps_its_held_account_and_refused_credentials_drop_it()
    {
        var released = new ReconcilerFixture();
        await HoldThenRemove(released);
        released.Resolver.Release(Ns, "main");
        var (afterRelease, because) = await released.Resolver.ResolveForDeletionAsync(Ns, "main", released.Time.GetUtcNow(), CancellationToken.None);
        Assert.IsType<ProviderResolution.Usable>(afterRelease);
        Assert.NotNull(because);

        var forgotten = new ReconcilerFixture();
        await HoldThenRemove(forgotten);
        forgotten.Resolver.Forget(Ns, "main");
        var (afterForget, _) = await forgotten.Resolver.ResolveForDeletionAsync(Ns, "main", forgotten.Time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(Reasons.ProviderNotFound, Assert.IsType<ProviderResolution.Unusable>(afterForget).Reason);

        static async Task HoldThenRemove(ReconcilerFixture f)
        {
            var usable = Assert.IsType<ProviderResolution.Usable>(await f.Resolver.ResolveAsync(Ns, "main", CancellationToken.None));
            f.Resolver.Hold(Ns, "main", usable, f.Time.GetUtcNow());
            f.Kube.RemoveProviderAndSecret(Ns, "main", "token");
        }
    }
}
