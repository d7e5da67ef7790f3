using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Tests.Tables;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>What status holds: bounded text and a stable condition order (two rules, a table each).</summary>
public sealed class StatusTextRuleTests
{
    private static readonly string Exact = new('x', Text.MaxMessageLength);

    public static IEnumerable<TheoryDataRow<Row<string>>> BoundRows => Table.Of<string>(
    [
        new("Text of exactly its maximum is kept as it is", () => Text.Bound(Exact), bounded => Assert.Equal(Exact, bounded)),
        new("Text one character over its maximum is cut to exactly the maximum with an ellipsis", () => Text.Bound(Exact + "y"), bounded =>
        {
            Assert.Equal(Text.MaxMessageLength, bounded.Length);
            Assert.EndsWith("…", bounded, StringComparison.Ordinal);
        }),
    ]);

    public static IEnumerable<TheoryDataRow<Row<IReadOnlyList<Api.Resources.Condition>>>> OrderRows => Table.Of<IReadOnlyList<Api.Resources.Condition>>(
    [
        new("Conditions are kept in a stable order Ready, Synced, then by type",
            () =>
            {
                IReadOnlyList<Api.Resources.Condition>? list = null;
                foreach (var type in new[] { "Zeta", ConditionTypes.Synced, "Alpha", ConditionTypes.Ready })
                    list = Conditions.Set(list, new Api.Resources.Condition { Type = type, Status = ConditionStatus.True, Reason = "R", Message = "m" }, T0);
                return list!;
            },
            list =>
            {
                Assert.Equal([ConditionTypes.Ready, ConditionTypes.Synced, "Alpha", "Zeta"], list.Select(c => c.Type));
                Assert.Null(Conditions.Find(list, "Missing"));
            }),
    ]);

    [Theory, MemberData(nameof(BoundRows))]
    public void Text_is_bounded(Row<string> row) => row.Run();

    [Theory, MemberData(nameof(OrderRows))]
    public void Conditions_are_ordered(Row<IReadOnlyList<Api.Resources.Condition>> row) => row.Run();
}
