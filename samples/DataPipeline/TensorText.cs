using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace DataPipeline;

/// <summary>Prints a tensor the way TensorFlow's eager tensors print (<c>tf.Tensor(..., shape=(4, 2), dtype=float32)</c>).</summary>
static class TensorText
{
    public static string Format(Tensor t)
    {
        using var cpu = t.cpu().to(ScalarType.Float64);
        var values = cpu.data<double>().ToArray();
        var shape = t.shape;
        var integral = t.dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Byte or ScalarType.Int16 or ScalarType.Int8;
        var cells = values.Select(v => integral ? ((long)v).ToString(CultureInfo.InvariantCulture) : FormatFloat(v)).ToArray();
        var width = cells.Length == 0 ? 0 : cells.Max(c => c.Length);
        var sb = new StringBuilder("tf.Tensor(");
        if (shape.Length > 1) sb.Append('\n');
        var index = 0;
        Append(sb, shape, 0, cells, width, ref index, 0);
        sb.Append($", shape=({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")}), dtype={DType(t.dtype)})");
        return sb.ToString();
    }

    static void Append(StringBuilder sb, long[] shape, int axis, string[] cells, int width, ref int index, int indent)
    {
        if (axis == shape.Length)
        {
            sb.Append(cells[index++].PadLeft(width));
            return;
        }
        sb.Append('[');
        for (var i = 0; i < shape[axis]; i++)
        {
            if (i > 0)
            {
                if (axis == shape.Length - 1) sb.Append(' ');
                else sb.Append('\n').Append(' ', indent + 1);
            }
            Append(sb, shape, axis + 1, cells, width, ref index, indent + 1);
        }
        sb.Append(']');
    }

    static string FormatFloat(double v)
    {
        // numpy style: "0.1", "0." for whole numbers, up to 8 significant digits.
        var s = v.ToString("0.########", CultureInfo.InvariantCulture);
        return s.Contains('.') ? s : s + ".";
    }

    static string DType(ScalarType t) => t switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        ScalarType.Byte => "uint8",
        _ => t.ToString().ToLowerInvariant(),
    };
}
