namespace ServerPower.Runtime;

/// <summary>Informer callbacks; called synchronously on the informer's loop, so they must not block (enqueue and return).</summary>
public interface IResourceEventHandler<in T>
{
    /// <param name="relist">True when the object came from a (re)list rather than a watch event.</param>
    void OnAdd(T obj, bool relist);

    /// <summary><paramref name="relist"/> is true when the update comes from a relist (every object is re-delivered).</summary>
    void OnUpdate(T oldObj, T newObj, bool relist);

    void OnDelete(T obj);
}
