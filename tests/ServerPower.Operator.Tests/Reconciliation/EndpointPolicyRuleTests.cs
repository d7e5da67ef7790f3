using ServerPower.Api.Resources;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Tests.Tables;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>The outbound policy for a provider's endpoint: plain http is refused, and a refusal says what is wrong.</summary>
public sealed class EndpointPolicyRuleTests
{
    public static IEnumerable<TheoryDataRow<Row<string?>>> Rows => Table.Of<string?>(
    [
        .. from endpoint in new[] { "http://127.0.0.1:8080", "http://provider.example.com/api" }
           select new Row<string?>($"The default policy refuses plain http even on loopback: {endpoint}",
               () => EndpointPolicy.Default.Check(new Uri(endpoint)),
               refused =>
               {
                   Assert.NotNull(refused);
                   Assert.Contains("https", refused, StringComparison.Ordinal);
               }),
        new("The default policy allows https",
            () => EndpointPolicy.Default.Check(new Uri("https://provider.example.com/api")),
            Assert.Null),
        new("A refused scheme is named",
            () => new EndpointPolicy(true, true, []).Check(new Uri("ftp://files.example.com")),
            refused => Assert.Contains("'ftp'", refused, StringComparison.Ordinal)),
        new("A host that is not allowed is named",
            () => new EndpointPolicy(false, false, ["panel.example.com"]).Check(new Uri("https://evil.example.com")),
            refused => Assert.Contains("'evil.example.com'", refused, StringComparison.Ordinal)),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<string?> row) => row.Run();
}
