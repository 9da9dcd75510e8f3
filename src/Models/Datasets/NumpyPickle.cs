using System.Collections;
using System.Text;
using Razorvine.Pickle;

namespace Pipeline.Models.Datasets;

/// <summary>
/// Reads Python pickles that hold numpy arrays (CIFAR's python release: Python 2 cPickle, protocol 2) with
/// Razorvine.Pickle, teaching it numpy's two reconstructors. Only C-ordered uint8/int arrays are needed here.
/// </summary>
static class NumpyPickle
{
    static readonly object Gate = new();
    static bool _registered;

    /// <summary>Unpickles <paramref name="stream"/>; dictionaries come back with string keys (Python 2 str and bytes alike).</summary>
    internal static object Load(Stream stream, string name)
    {
        Register();
        try
        {
            using var unpickler = new Unpickler();
            return unpickler.load(stream);
        }
        catch (Exception e) when (e is PickleException or InvalidCastException or EndOfStreamException or IOException or ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"'{name}' is not a readable pickle of numpy arrays: {e.Message}", e);
        }
    }

    /// <summary>A value that was a Python 2 str or a bytes object, as bytes.</summary>
    internal static byte[] Bytes(object? value, string what) => value switch
    {
        byte[] b => b,
        string s => Encoding.Latin1.GetBytes(s),   // Razorvine maps a py2 str byte-for-byte onto chars
        _ => throw new InvalidDataException($"{what}: expected bytes, but found {value?.GetType().Name ?? "None"}."),
    };

    /// <summary>Looks a key up in an unpickled dict whose keys may be bytes or str.</summary>
    internal static object? Get(IDictionary dict, string key)
    {
        foreach (DictionaryEntry e in dict)
        {
            var k = e.Key switch { string s => s, byte[] b => Encoding.Latin1.GetString(b), _ => null };
            if (k == key) return e.Value;
        }
        return null;
    }

    static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            foreach (var module in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
                Unpickler.registerConstructor(module, "_reconstruct", new Constructor(_ => new NumpyArray()));
            Unpickler.registerConstructor("numpy", "dtype", new Constructor(args => new NumpyDtype(args)));
            _registered = true;
        }
    }

    sealed class Constructor(Func<object[], object> make) : IObjectConstructor
    {
        public object construct(object[] args) => make(args);
    }
}

/// <summary>numpy's <c>dtype</c> as its pickle describes it: kind and byte size ("u1", "i8", ...) and byte order.</summary>
sealed class NumpyDtype
{
    internal NumpyDtype(object[] args) => Descriptor = args.Length > 0 ? args[0] switch { string s => s, byte[] b => Encoding.Latin1.GetString(b), var o => o?.ToString() ?? "" } : "";

    internal string Descriptor { get; }

    internal string ByteOrder { get; private set; } = "|";

    /// <summary>Called by the unpickler's BUILD: (version, byteorder, subarray, names, fields, elsize, alignment, flags).</summary>
    public void __setstate__(object[] state)
    {
        if (state.Length > 1) ByteOrder = state[1] switch { string s => s, byte[] b => Encoding.Latin1.GetString(b), _ => "|" };
    }
}

/// <summary>A numpy array rebuilt from its pickle: shape, dtype and the raw C-ordered bytes.</summary>
sealed class NumpyArray
{
    internal long[] Shape { get; private set; } = [];

    internal NumpyDtype? Dtype { get; private set; }

    internal byte[] Data { get; private set; } = [];

    internal bool FortranOrder { get; private set; }

    /// <summary>Called by the unpickler's BUILD: (version, shape, dtype, is_fortran, rawdata).</summary>
    public void __setstate__(object[] state)
    {
        if (state.Length != 5) throw new InvalidDataException($"numpy array state: expected 5 fields, found {state.Length}.");
        Shape = ((object[])state[1]).Select(Convert.ToInt64).ToArray();
        Dtype = state[2] as NumpyDtype ?? throw new InvalidDataException("numpy array state: no dtype.");
        FortranOrder = state[3] is true;
        Data = NumpyPickle.Bytes(state[4], "numpy array data");
    }
}
