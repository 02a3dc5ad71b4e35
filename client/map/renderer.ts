/**
 * Whether a WebGL renderer name (WEBGL_debug_renderer_info's unmasked renderer) is a software rasteriser:
 * SwiftShader (Chromium without a usable GPU, as on many virtual desktops), Mesa's llvmpipe/softpipe, or
 * Windows' Basic Render Driver. There every pixel is shaded on the CPU.
 */
export function isSoftwareRenderer(renderer: string | null | undefined): boolean {
  return !!renderer && /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
}

/** The unmasked renderer name of a WebGL context, or null when the browser does not tell. */
export function rendererOf(gl: WebGLRenderingContext | WebGL2RenderingContext | null): string | null {
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name: unknown = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : null;
  return typeof name === 'string' ? name : null;
}
