using k8s.Models;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

public sealed class ObjectKeyTests
{
    [Fact]
    public void The_key_of_metadata_without_a_namespace_or_a_name_has_empty_parts()
    {
        Assert.Equal(new ObjectKey("", "a"), ObjectKey.From(new V1ObjectMeta { Name = "a" }));
        Assert.Equal(new ObjectKey("ns", ""), ObjectKey.From(new V1ObjectMeta { NamespaceProperty = "ns" }));
    }
}
