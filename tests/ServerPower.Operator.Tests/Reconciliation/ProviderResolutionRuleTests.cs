using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Reconciliation;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>Resolving a ServerPower's PowerProvider into an account: what a missing or unusable one reports, the defaults, and the account held for a deletion.</summary>
public sealed class ProviderResolutionRuleTests
{
    /// <summary>What a resolution left behind: its answer and the accounts the factory made.</summary>
    public sealed record Resolved(ProviderResolution Resolution, ScriptedProvider Factory);

    private static async Task<Resolved> Resolve(Func<PowerProviderSpec, PowerProviderSpec> spec, bool credentials = true, Action<InMemoryResourceClient>? cluster = null)
    {
        var (resolver, kube, factory) = Resolver(credentials);
        cluster?.Invoke(kube);
        return new Resolved(await resolver.ResolveAsync(Provider(spec), CancellationToken.None), factory);
    }

    private static readonly (string Fault, string Reason, string Names, Func<PowerProviderSpec, PowerProviderSpec> Spec)[] Unusable =
    [
        ("no endpoint for a type without a default", Reasons.InvalidSpec, "spec.endpoint", s => s with { Type = ProviderType.Wings, Endpoint = null }),
        ("a relative endpoint", Reasons.InvalidSpec, "spec.endpoint", s => s with { Endpoint = "provider.example.com/api" }),
        ("a zero reassert interval", Reasons.InvalidSpec, "spec.reassertInterval", s => s with { ReassertInterval = "0s" }),
        ("an unparsable reassert interval", Reasons.InvalidSpec, "spec.reassertInterval", s => s with { ReassertInterval = "soon" }),
        ("a huge reassert interval", Reasons.InvalidSpec, "spec.reassertInterval \"999999999h\"", s => s with { ReassertInterval = "999999999h" }),
        ("no credentials Secret", Reasons.CredentialsMissing, "Secret \"token\"", s => s),
        ("no CA bundle Secret", Reasons.CredentialsMissing, "CA bundle", s => s with { CaBundleSecretRef = new SecretKeyReference { Name = "ca", Key = "ca.crt" } }),
    ];

    public static IEnumerable<TheoryDataRow<AsyncRow<Resolved>>> Rows => Table.OfAsync<Resolved>(
    [
        new("A missing PowerProvider is named with its namespace",
            async () =>
            {
                var (resolver, _, factory) = Resolver();
                return new Resolved(await resolver.ResolveAsync(Ns, "nope", CancellationToken.None), factory);
            },
            r =>
            {
                var unusable = Assert.IsType<ProviderResolution.Unusable>(r.Resolution);
                Assert.Equal(Reasons.ProviderNotFound, unusable.Reason);
                Assert.Contains("\"nope\"", unusable.Message, StringComparison.Ordinal);
                Assert.Contains($"\"{Ns}\"", unusable.Message, StringComparison.Ordinal);
            }),
        new("A provider without an endpoint uses its type's default and its account is keyed by namespace and name",
            () => Resolve(s => s with { Endpoint = null }),
            r =>
            {
                var usable = Assert.IsType<ProviderResolution.Usable>(r.Resolution);
                Assert.Equal(new Uri("https://console.wenium.com/api"), usable.Account.Endpoint);
                Assert.Equal($"{Ns}/acct", Assert.Single(r.Factory.Accounts).Key);
            }),
        .. from c in Unusable
           select new AsyncRow<Resolved>($"An unusable PowerProvider names itself and what to fix: {c.Fault}",
               () => Resolve(c.Spec, credentials: c.Fault != "no credentials Secret"),
               r =>
               {
                   var unusable = Assert.IsType<ProviderResolution.Unusable>(r.Resolution);
                   Assert.Equal(c.Reason, unusable.Reason);
                   Assert.Contains("PowerProvider \"acct\"", unusable.Message, StringComparison.Ordinal);
                   Assert.Contains(c.Names, unusable.Message, StringComparison.Ordinal);
                   Assert.Empty(r.Factory.Accounts);
               }),
        new("A reassert interval and a CA bundle reach the account",
            () => Resolve(s => s with { ReassertInterval = "30m", CaBundleSecretRef = new SecretKeyReference { Name = "ca", Key = "ca.crt" } },
                cluster: kube => kube.PutSecret(Ns, "ca", "ca.crt", "-----BEGIN CERTIFICATE-----")),
            r =>
            {
                var usable = Assert.IsType<ProviderResolution.Usable>(r.Resolution);
                Assert.Equal(TimeSpan.FromMinutes(30), usable.ReassertInterval);
                Assert.Equal("-----BEGIN CERTIFICATE-----", usable.Account.CaBundlePem);
            }),
    ]);

    /// <summary>A PowerProvider deleted after its account was held for a deletion: released or forgotten, then resolved for the deletion.</summary>
    public static IEnumerable<TheoryDataRow<AsyncRow<(ProviderResolution Resolution, string? Because)>>> DeletionRows => Table.OfAsync<(ProviderResolution Resolution, string? Because)>(
    [
        new("A deleted PowerProvider keeps its held account when released",
            () => HeldThenRemoved(f => f.Resolver.Release(Ns, "main")),
            r =>
            {
                Assert.IsType<ProviderResolution.Usable>(r.Resolution);
                Assert.NotNull(r.Because);
            }),
        new("A deleted PowerProvider whose credentials were refused drops its held account",
            () => HeldThenRemoved(f => f.Resolver.Forget(Ns, "main")),
            r => Assert.Equal(Reasons.ProviderNotFound, Assert.IsType<ProviderResolution.Unusable>(r.Resolution).Reason)),
    ]);

    private static async Task<(ProviderResolution, string?)> HeldThenRemoved(Action<ReconcilerFixture> then)
    {
        var f = new ReconcilerFixture();
        var usable = Assert.IsType<ProviderResolution.Usable>(await f.Resolver.ResolveAsync(Ns, "main", CancellationToken.None));
        f.Resolver.Hold(Ns, "main", usable, f.Time.GetUtcNow());
        f.Kube.RemoveProviderAndSecret(Ns, "main", "token");
        then(f);
        return await f.Resolver.ResolveForDeletionAsync(Ns, "main", f.Time.GetUtcNow(), CancellationToken.None);
    }

    [Theory, MemberData(nameof(Rows))]
    public Task Holds(AsyncRow<Resolved> row) => row.RunAsync();

    [Theory, MemberData(nameof(DeletionRows))]
    public Task Held_for_a_deletion(AsyncRow<(ProviderResolution Resolution, string? Because)> row) => row.RunAsync();
}
