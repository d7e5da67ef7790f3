namespace ServerPower.Operator.Runtime;

/// <summary>Informer callbacks; called synchronously on the informer's loop, so they must not block (enqueue and return).</summary>
public interface IResourceEventHandler<in T>
{
    void OnAdd(T obj);

    /// <summary><paramref name="relist"/> is true when the update comes from a relist (every object is re-delivered).</summary>
    void OnUpdate(T oldObj, T newObj, bool relist);

    void OnDelete(T obj);
}
