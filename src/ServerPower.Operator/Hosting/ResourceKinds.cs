using ServerPower.Api.Vocabulary;
using ServerPower.Runtime;

namespace ServerPower.Operator.Hosting;

/// <summary>Where the operator's kinds live in the API, for their informers.</summary>
public static class ResourceKinds
{
    public static readonly ResourceKind ServerPower = new(ApiGroup.Group, ApiGroup.Version, ApiGroup.ServerPowerPlural, ApiGroup.ServerPowerKind);

    public static readonly ResourceKind PowerProvider = new(ApiGroup.Group, ApiGroup.Version, ApiGroup.PowerProviderPlural, ApiGroup.PowerProviderKind);

    public static readonly ResourceKind PowerSchedule = new(ApiGroup.Group, ApiGroup.Version, ApiGroup.PowerSchedulePlural, ApiGroup.PowerScheduleKind);
}
