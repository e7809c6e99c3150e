declare module 'miniprogram-compiler' {
  /** Compiles every .wxml under the root with wcc; throws on a template error. */
  export function wxmlToJs(root: string): string;
  /** Compiles every .wxss under the root with wcsc; throws on a style error. */
  export function wxssToJs(root: string): string;
}
