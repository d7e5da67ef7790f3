using System.Text.RegularExpressions;
using ServerPower.Api.Tests.Support;

namespace ServerPower.Api.Tests.Docs;

/// <summary>
/// What <c>caBundleSecretRef</c> means for trust is said in two places that users read (<c>kubectl explain</c> and
/// the API reference, crds/README.md); both say what the providers' TLS set-up does: the bundle replaces system trust for that account.
/// </summary>
public sealed class CaBundleTrustTests
{
    private static readonly string Readme = Regex.Replace(File.ReadAllText(RepositoryRoot.Combine("crds", "README.md")), @"\s+", " ");

    private static string Description() =>
        Regex.Replace((string)Crd.PowerProvider.Fields().Single(f => f.Path == "powerprovider.spec.caBundleSecretRef").Node["description"]!, @"\s+", " ");

    [Fact]
    public void The_CRD_and_the_README_both_say_the_bundle_replaces_system_trust_for_that_account()
    {
        foreach (var (where, text) in new[] { ("CRD description", Description()), ("README", Readme) })
        {
            Assert.True(text.Contains("trusts only", StringComparison.Ordinal), $"the {where} does not say the account trusts only the bundle");
            Assert.True(text.Contains("instead of the system's", StringComparison.Ordinal), $"the {where} does not say the bundle replaces system trust");
            Assert.True(text.Contains("host name is still checked", StringComparison.Ordinal) || text.Contains("host name still checked", StringComparison.Ordinal),
                $"the {where} does not say the host name is still checked");
            Assert.DoesNotContain("in addition to the system", text, StringComparison.Ordinal);
        }
    }
}
