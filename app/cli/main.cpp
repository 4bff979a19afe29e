int main()
{
    return 1; // replaced by attnlens-cli (issue 5)
}
