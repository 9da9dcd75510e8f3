using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;

namespace Pipeline;

/// <summary>
/// Finds whether a function can reach a random source by reading its IL: the calls it makes, and the calls of the
/// methods of user code those reach, a few levels deep. A random source is a method marked
/// <see cref="RandomOpAttribute"/> (or in a class so marked), a libtorch sampling function or in-place sampler, or
/// .NET's <see cref="System.Random"/> / <c>RandomNumberGenerator</c>. Calls through delegates (a function passed in as an
/// argument or captured in a variable) cannot be followed: those steps need <c>traits: StepTraits.Random</c>.
/// </summary>
static class RandomCalls
{
    /// <summary>How many calls deep user code is followed (the function itself is depth 0).</summary>
    const int MaxDepth = 4;

    static readonly ConcurrentDictionary<MethodBase, bool> Cache = new();

    /// <summary>libtorch's sampling functions, as TorchSharp names them (torch.*, Tensor.* in-place, functional.dropout...).</summary>
    static readonly HashSet<string> TorchRandomNames = new(StringComparer.Ordinal)
    {
        "rand", "rand_like", "randn", "randn_like", "randint", "randint_like", "randperm", "bernoulli", "bernoulli_",
        "multinomial", "normal", "normal_", "poisson", "uniform_", "random_", "exponential_", "geometric_", "cauchy_",
        "log_normal_", "dropout", "dropout_", "alpha_dropout", "feature_alpha_dropout", "dropout2d", "dropout3d",
    };

    static readonly Dictionary<short, OperandType> OpCodeOperands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>True when <paramref name="function"/> (a user delegate) can reach a random source.</summary>
    internal static bool Reach(Delegate function)
    {
        try
        {
            return Reaches(function.Method, 0, []);
        }
        catch (Exception e) when (e is BadImageFormatException or ArgumentException or NotSupportedException or InvalidOperationException or MemberAccessException)
        {
            return false;   // IL we cannot read (dynamic methods, unusual runtimes): the caller's traits and the name guess remain
        }
    }

    static bool Reaches(MethodBase method, int depth, HashSet<MethodBase> visiting)
    {
        if (IsRandomSource(method)) return true;
        if (depth >= MaxDepth || IsLibraryCode(method) || !visiting.Add(method)) return false;
        if (Cache.TryGetValue(method, out var known)) return known;
        var found = false;
        foreach (var callee in Callees(method))
        {
            if (Reaches(callee, depth + 1, visiting)) { found = true; break; }
        }
        visiting.Remove(method);
        // Only a complete search from the top is cached: a depth-limited "no" from deeper down may be a "yes" from here.
        if (depth == 0 || found) Cache[method] = found;
        return found;
    }

    static bool IsRandomSource(MethodBase method)
    {
        if (method.IsDefined(typeof(RandomOpAttribute), inherit: false)) return true;
        var type = method.DeclaringType;
        for (var t = type; t is not null; t = t.DeclaringType)
            if (t.IsDefined(typeof(RandomOpAttribute), inherit: false)) return true;
        if (type is null) return false;
        if (type == typeof(Random) || type.FullName == "System.Security.Cryptography.RandomNumberGenerator") return true;
        var ns = type.Namespace ?? "";
        return ns.StartsWith("TorchSharp", StringComparison.Ordinal) && TorchRandomNames.Contains(method.Name);
    }

    /// <summary>Framework and library methods are not read: their randomness is known by name or by the attribute.</summary>
    static bool IsLibraryCode(MethodBase method)
    {
        var name = method.Module.Assembly.GetName().Name ?? "";
        return name is "System.Private.CoreLib" or "netstandard" or "mscorlib" or "TorchSharp" or "NumSharp" or "NumSharp.Core"
            || name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal);
    }

    /// <summary>The methods <paramref name="method"/>'s IL calls, constructs or takes the address of (lambdas it creates).</summary>
    static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } dt ? dt.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            short code = il[i++];
            if (code == 0xFE && i < il.Length) code = (short)(0xFE00 | il[i++]);
            if (!OpCodeOperands.TryGetValue(code, out var operand)) yield break;   // not IL we understand: stop reading
            if (operand == OperandType.InlineMethod)
            {
                var token = BitConverter.ToInt32(il, i);
                MethodBase? callee = null;
                try { callee = method.Module.ResolveMethod(token, typeArgs, methodArgs); }
                catch (ArgumentException) { }
                if (callee is not null) yield return callee;
            }
            i += operand switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }
}
