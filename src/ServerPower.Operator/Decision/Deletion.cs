using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Decision;

/// <summary>Where a ServerPower stands towards its deletion, decided here only.</summary>
public static class Deletion
{
    public static bool Requested(ServerPowerResource server) => server.Metadata.DeletionTimestamp is not null;

    /// <summary>Our finalizer is on the object.</summary>
    public static bool HasFinalizer(ServerPowerResource server) => server.Metadata.Finalizers?.Contains(Annotations.StopFinalizer) == true;

    /// <summary>deletionPolicy Stop: the server is stopped before the object goes, so the object carries our finalizer.</summary>
    public static bool WantsFinalizer(ServerPowerResource server) => server.Spec.DeletionPolicy == DeletionPolicy.Stop;

    /// <summary>Being deleted, and the server is to be stopped first (our finalizer holds the object until then).</summary>
    public static bool StopsServer(ServerPowerResource server) => Requested(server) && HasFinalizer(server) && WantsFinalizer(server);
}
