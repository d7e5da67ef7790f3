using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>What status holds: bounded text and a stable condition order.</summary>
public sealed class StatusTextRuleTests
{
    [Fact]
    public void Text_is_bounded_to_exactly_its_maximum_with_an_ellipsis()
    {
        var exact = new string('x', Text.MaxMessageLength);
        Assert.Equal(exact, Text.Bound(exact));
        var bounded = Text.Bound(exact + "y");
        Assert.Equal(Text.MaxMessageLength, bounded.Length);
        Assert.EndsWith("…", bounded, StringComparison.Ordinal);
    }

    [Fact]
    public void Conditions_are_kept_in_a_stable_order_Ready_Synced_then_by_type()
    {
        IReadOnlyList<Api.Resources.Condition>? list = null;
        foreach (var type in new[] { "Zeta", ConditionTypes.Synced, "Alpha", ConditionTypes.Ready })
            list = Conditions.Set(list, new Api.Resources.Condition { Type = type, Status = ConditionStatus.True, Reason = "R", Message = "m" }, T0);
        Assert.Equal([ConditionTypes.Ready, ConditionTypes.Synced, "Alpha", "Zeta"], list!.Select(c => c.Type));
        Assert.Null(Conditions.Find(list, "Missing"));
    }
}
