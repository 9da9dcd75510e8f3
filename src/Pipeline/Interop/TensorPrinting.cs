using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

/// <summary>
/// Prints tensors as NumPy and TensorFlow print them, so output matches the tutorials': <c>ToNumPyString()</c> is
/// <c>str(ndarray)</c> (<c>[[0.1 0. ]\n [0.2 0. ]]</c>), <c>ToTFString()</c> is an eager tensor's repr
/// (<c>tf.Tensor([0.1 0.2], shape=(2,), dtype=float32)</c>).
/// </summary>
/// <remarks>
/// NumPy's default print options: floats use the fewest digits that read back the same value (at most 8 decimals),
/// padded to a common width, in scientific notation when the values span too many orders of magnitude; more than
/// 1,000 elements are summarized with <c>...</c> and three items at each edge; rows wrap at 75 characters.
/// </remarks>
public static class TensorPrinting
{
    const int Threshold = 1000, EdgeItems = 3, LineWidth = 75, Precision = 8;

    /// <summary>The tensor as <c>str(tensor.numpy())</c> prints it.</summary>
    public static string ToNumPyString(this Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = tensor.shape;
        var summarize = tensor.numel() > Threshold;
        var values = Values(tensor);
        var cells = Cells(values, tensor.dtype);
        var width = cells.Length == 0 ? 0 : cells.Max(c => c.Length);
        var sb = new StringBuilder();
        if (shape.Length == 0) return cells.Length == 0 ? "" : cells[0];
        Append(sb, shape, 0, cells, width, RowMajorStrides(shape), 0, summarize, 1);
        return sb.ToString();
    }

    /// <summary>The tensor as TensorFlow prints an eager tensor: <c>tf.Tensor(values, shape=(...), dtype=...)</c>.</summary>
    public static string ToTFString(this Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = tensor.shape;
        var body = tensor.ToNumPyString();
        if (shape.Length > 1) body = "\n" + body;
        return $"tf.Tensor({body}, shape=({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")}), dtype={DTypeName(tensor.dtype)})";
    }

    /// <summary>NumPy's name of a dtype (<c>float32</c>, <c>int64</c>, <c>uint8</c>, <c>bool</c>).</summary>
    public static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        ScalarType.Int16 => "int16",
        ScalarType.Int8 => "int8",
        ScalarType.Byte => "uint8",
        ScalarType.Bool => "bool",
        _ => dtype.ToString().ToLowerInvariant(),
    };

    static long[] RowMajorStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (var d = shape.Length - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
        return strides;
    }

    static double[] Values(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.detach().cpu();
        if (cpu.dtype == ScalarType.Bool) cpu = cpu.to(ScalarType.Byte);
        return cpu.to(ScalarType.Float64).contiguous().data<double>().ToArray();
    }

    static string[] Cells(double[] values, ScalarType dtype)
    {
        if (dtype == ScalarType.Bool) return Array.ConvertAll(values, v => v != 0 ? "True" : "False");
        if (dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte)
            return Array.ConvertAll(values, v => ((long)v).ToString(CultureInfo.InvariantCulture));
        var single = dtype is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16;
        var finite = values.Where(double.IsFinite).Select(Math.Abs).ToArray();
        var nonZero = finite.Where(v => v != 0).ToArray();
        var scientific = nonZero.Length > 0 && (nonZero.Max() >= 1e8 || nonZero.Min() < 1e-4 || nonZero.Max() / nonZero.Min() > 1e3);
        return scientific ? Scientific(values, single) : Positional(values, single);
    }

    /// <summary>Shortest round-trip digits per value, then every value padded to the same number of decimals with spaces (NumPy's "unique" mode).</summary>
    static string[] Positional(double[] values, bool single)
    {
        var texts = values.Select(v => Shortest(v, single)).ToArray();
        var decimals = texts.Where(t => t.Contains('.')).Select(t => t.Length - t.IndexOf('.') - 1).DefaultIfEmpty(0).Max();
        var cells = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var t = texts[i];
            if (!double.IsFinite(values[i])) { cells[i] = t; continue; }
            var have = t.Length - t.IndexOf('.') - 1;
            cells[i] = t + new string(' ', decimals - have);
        }
        return cells;
    }

    static string Shortest(double v, bool single)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        var rounded = Math.Round(v, Precision);
        var s = single ? ((float)rounded).ToString("R", CultureInfo.InvariantCulture) : rounded.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E')) s = rounded.ToString("0.########", CultureInfo.InvariantCulture);
        if (s == "-0") s = "-0";
        return s.Contains('.') ? s : s + ".";
    }

    static string[] Scientific(double[] values, bool single)
    {
        // Mantissas with the fewest digits that read back, padded to a common length; exponents with at least two digits.
        var parts = values.Select(v =>
        {
            if (!double.IsFinite(v)) return (Mantissa: Shortest(v, single), Exponent: "");
            // The fewest mantissa digits (at most 8 decimals) that read back the same value.
            var r = v.ToString("E8", CultureInfo.InvariantCulture);
            for (var digits = 0; digits <= Precision; digits++)
            {
                var candidate = v.ToString("E" + digits, CultureInfo.InvariantCulture);
                var back = double.Parse(candidate, CultureInfo.InvariantCulture);
                if (single ? (float)back == (float)v : back == v) { r = candidate; break; }
            }
            var e = int.Parse(r[(r.IndexOf('E') + 1)..], CultureInfo.InvariantCulture);
            var mantissa = r[..r.IndexOf('E')];
            if (!mantissa.Contains('.')) mantissa += ".";
            return (Mantissa: mantissa, Exponent: (e < 0 ? "e-" : "e+") + Math.Abs(e).ToString("00", CultureInfo.InvariantCulture));
        }).ToArray();
        var decimals = parts.Where(p => p.Exponent.Length > 0).Select(p => p.Mantissa.Length - p.Mantissa.IndexOf('.') - 1).DefaultIfEmpty(0).Max();
        return [.. parts.Select(p => p.Exponent.Length == 0 ? p.Mantissa : p.Mantissa + new string('0', decimals - (p.Mantissa.Length - p.Mantissa.IndexOf('.') - 1)) + p.Exponent)];
    }

    static void Append(StringBuilder sb, long[] shape, int axis, string[] cells, int width, long[] strides, long offset, bool summarize, int indent)
    {
        sb.Append('[');
        var n = shape[axis];
        var indices = summarize && n > 2 * EdgeItems
            ? [.. Enumerable.Range(0, EdgeItems).Select(i => (long)i), -1, .. Enumerable.Range(0, EdgeItems).Select(i => n - EdgeItems + i)]
            : Enumerable.Range(0, (int)n).Select(i => (long)i).ToArray();
        var lineStart = sb.Length - indent;
        for (var k = 0; k < indices.Length; k++)
        {
            var i = indices[k];
            if (axis == shape.Length - 1)
            {
                var cell = i < 0 ? "..." : cells[offset + i * strides[axis]].PadLeft(width);
                if (k > 0)
                {
                    // Wrap before a cell that would pass the line width (room kept for the closing brackets).
                    if (sb.Length - lineStart + 1 + cell.Length + (shape.Length - axis) > LineWidth)
                    {
                        while (sb.Length > 0 && sb[^1] == ' ') sb.Length--;   // NumPy strips the wrapped line
                        sb.Append('\n').Append(' ', indent);
                        lineStart = sb.Length - indent;
                    }
                    else sb.Append(' ');
                }
                sb.Append(cell);
            }
            else
            {
                if (k > 0) sb.Append('\n', shape.Length - axis - 1).Append(' ', indent);
                if (i < 0) { sb.Append("..."); continue; }
                Append(sb, shape, axis + 1, cells, width, strides, offset + i * strides[axis], summarize, indent + 1);
            }
        }
        sb.Append(']');
    }
}
