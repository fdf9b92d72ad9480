// Pages show Next's 404 page where the API answers not_found (missing, foreign, or not collaborating).
import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";

export async function orNotFound<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
}
